/** File-system steps of the crash-safe block protocol (docs/formats/block.md). */
import { open } from "node:fs/promises";

/**
 * Fsyncs a directory, which makes the entries created, renamed or removed in
 * it durable (POSIX; Linux needs it after rename). Opening a directory
 * read-only and calling fsync on it works on Linux and macOS.
 */
export async function fsyncDir(path: string): Promise<void> {
  const fh = await open(path, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Yields to the event loop, so long synchronous loops let I/O and timers run. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
