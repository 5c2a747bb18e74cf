/** Test helpers shared by the transport tests and their child process. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A recognisable batch for number `i`, of a size that varies with i. */
export function batchFor(i: number): Uint8Array {
  return new TextEncoder().encode(`batch ${i}:${"x".repeat((i * 37) % 500)}`);
}

/** A fresh temporary directory. */
export function makeTmp(): Promise<string> {
  return mkdtemp(join(tmpdir(), "reddot-spool-"));
}

/** Removes a directory made by makeTmp. */
export function removeTmp(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}
