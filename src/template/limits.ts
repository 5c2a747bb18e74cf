/** Bounds on template text and execution. */
export const MAX_TEMPLATE_BYTES = 64 * 1024;

export function checkSize(name: string, text: string): string | undefined {
  const n = Buffer.byteLength(text);
  if (n > MAX_TEMPLATE_BYTES) {
    return `template: ${name}: template text is ${n} bytes, more than the limit of ${MAX_TEMPLATE_BYTES}`;
  }
  return undefined;
}
