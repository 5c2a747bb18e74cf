import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Spool } from "./spool.js";
import { batchFor, makeTmp, removeTmp } from "./testdata/fixtures.js";

const CHILD = fileURLToPath(new URL("./testdata/spool-writer.child.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** Enough resolved appends that the kill lands in the middle of a stream. */
const KILL_AFTER = 200;
/** Bound on the child's stderr kept for an error message. */
const MAX_STDERR = 16 * 1024;

let dir: string;
beforeEach(async () => {
  dir = await makeTmp();
});
afterEach(async () => {
  await removeTmp(dir);
});

/**
 * Runs the writer child until it has printed at least KILL_AFTER resolved
 * appends, SIGKILLs it, and returns the highest batch number it printed.
 */
function runAndKill(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, dir], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      shell: false,
    });
    let last = -1;
    let pending = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`writer printed only ${last + 1} batches in 50 s: ${stderr}`));
    }, 50_000);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) last = Math.max(last, Number(line));
      if (last + 1 >= KILL_AFTER && !child.killed) child.kill("SIGKILL");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL") resolve(last);
      else reject(new Error(`writer exited with code ${code} before the kill: ${stderr}`));
    });
  });
}

describe("Spool under SIGKILL", () => {
  it("keeps every batch whose append resolved, intact and in order", async () => {
    const last = await runAndKill();
    expect(last + 1).toBeGreaterThanOrEqual(KILL_AFTER);
    const spool = await Spool.open(dir, { maxBytes: 1 << 30 });
    // Nothing the child wrote can be corrupt: a torn write stays a tmp file.
    expect(spool.stats()).toMatchObject({ corrupt: 0, dropped: 0 });
    const got: Uint8Array[] = [];
    for (let b = await spool.peek(); b !== undefined; b = await spool.peek()) {
      got.push(b.data);
      await spool.ack(b.id);
    }
    // Appends that completed after the last printed line may be there too.
    expect(got.length).toBeGreaterThanOrEqual(last + 1);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => batchFor(i)));
  });
});
