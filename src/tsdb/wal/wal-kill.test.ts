import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectedKeys, makeTmp, removeTmp, replayAll } from "./testdata/fixtures.js";

const CHILD = fileURLToPath(new URL("./testdata/wal-writer.child.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await makeTmp();
});
afterEach(async () => {
  await removeTmp(dir);
});

/**
 * Runs the writer child until it has acknowledged at least `atLeast` records,
 * SIGKILLs it, and returns the last acknowledged count it printed.
 */
function runAndKill(fsync: string, atLeast: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, dir, fsync], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let acked = 0;
    let pending = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) acked = Math.max(acked, Number(line));
      if (acked >= atLeast && !child.killed) child.kill("SIGKILL");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL") resolve(acked);
      else reject(new Error(`writer exited with code ${code} before the kill: ${stderr}`));
    });
  });
}

describe("Wal under SIGKILL", () => {
  for (const fsync of ["never", "always"]) {
    it(`keeps every acknowledged record (fsync ${fsync})`, async () => {
      const acked = await runAndKill(fsync, fsync === "always" ? 300 : 3000);
      expect(acked).toBeGreaterThan(0);
      const { keys } = await replayAll(dir);
      // Records written but not yet acknowledged may be there too; all in order.
      expect(keys.length).toBeGreaterThanOrEqual(acked);
      expect(keys).toEqual(expectedKeys(0, keys.length));
    });
  }
});
