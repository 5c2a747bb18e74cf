/**
 * Bounded reads of /proc and /sys files. Their stat size is 0, so we read
 * until EOF, never past `cap` bytes (a runaway file cannot grow the agent).
 */
import { open } from "node:fs/promises";

/** Default bound: /proc/stat with a few thousand interrupt counters stays well below. */
export const READ_CAP = 1 << 20;

/** The file's text (latin1: /proc is ASCII), or undefined when it cannot be read. */
export async function readText(path: string, cap = READ_CAP): Promise<string | undefined> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, "r");
  } catch {
    return undefined;
  }
  try {
    let buf = Buffer.allocUnsafe(Math.min(cap, 16_384));
    let len = 0;
    for (;;) {
      if (len === buf.length) {
        if (len >= cap) break;
        const next = Buffer.allocUnsafe(Math.min(cap, buf.length * 4));
        buf.copy(next, 0, 0, len);
        buf = next;
      }
      const { bytesRead } = await fh.read(buf, len, buf.length - len, null);
      if (bytesRead === 0) break;
      len += bytesRead;
    }
    return buf.toString("latin1", 0, len);
  } catch {
    return undefined;
  } finally {
    await fh.close();
  }
}

/** Splits on runs of spaces and tabs, dropping empty fields. */
export function fields(line: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    const c = i < line.length ? line.charCodeAt(i) : 32;
    if (c === 32 || c === 9) {
      if (start >= 0) {
        out.push(line.slice(start, i));
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  return out;
}
