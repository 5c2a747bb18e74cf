import { open } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { NotifyError } from "./types.js";

/** Secret files (`url_file`, `password_file`, ...) are read up to this many bytes. */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;

/**
 * Reads a `*_file` secret at send time (so a rotated secret is picked up),
 * relative to the config directory, trimmed as Alertmanager does. The error
 * names the file and key, never the content.
 */
export async function readSecretFile(
  configDir: string,
  file: string,
  key: string,
  maxBytes = MAX_SECRET_FILE_BYTES,
): Promise<string> {
  const path = isAbsolute(file) ? file : join(configDir, file);
  let text: string;
  try {
    const fh = await open(path, "r");
    try {
      const buf = Buffer.alloc(maxBytes + 1);
      let n = 0;
      while (n < buf.length) {
        const { bytesRead } = await fh.read(buf, n, buf.length - n, null);
        if (bytesRead === 0) break;
        n += bytesRead;
      }
      if (n > maxBytes) {
        throw new NotifyError(`${key}: ${path} is larger than ${maxBytes} bytes`, false);
      }
      text = buf.subarray(0, n).toString("utf8");
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (e instanceof NotifyError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    throw new NotifyError(`${key}: cannot read ${path} (${code})`, false);
  }
  const value = text.trim();
  if (value === "") throw new NotifyError(`${key}: ${path} is empty`, false);
  return value;
}

/** The inline value, else the file's. */
export async function secretValue(
  configDir: string,
  inline: string | undefined,
  file: string | undefined,
  key: string,
): Promise<string> {
  if (inline !== undefined && inline !== "") return inline;
  if (file !== undefined) return readSecretFile(configDir, file, `${key}_file`);
  throw new NotifyError(`${key} is not set`, false);
}

/** A URL for messages: scheme, host and port only (paths and queries of webhook URLs carry tokens). */
export function redactURL(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/<redacted>`;
  } catch {
    return "<invalid URL>";
  }
}
