import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { runPromqltest } from "./promqltest.js";

const dir = mkdtempSync(join(tmpdir(), "reddot-promqltest-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const good = script("good.test", "load 1m\n  a 1 2\n\neval instant at 1m a\n  a 2\n");
const bad = script("bad.test", "load 1m\n  a 1 2\n\neval instant at 1m a\n  a 3\n");

async function run(files: string[], opts = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  stdout.on("data", (b) => {
    out += String(b);
  });
  const code = await runPromqltest(files, opts, { stdout, stderr });
  return { code, out };
}

describe("reddot promqltest", () => {
  it("exits 0 when every file passes", async () => {
    const { code, out } = await run([good]);
    expect(code).toBe(0);
    expect(out).toBe(
      `PASS ${good}  passed 1  failed 0  skipped 0\nPASS total: 1 files  passed 1  failed 0  skipped 0\n`,
    );
  });

  it("exits 1 and shows the eval line, the difference and the rows of a failure", async () => {
    const { code, out } = await run([good, bad]);
    expect(code).toBe(1);
    expect(out.split("\n")).toEqual([
      `PASS ${good}  passed 1  failed 0  skipped 0`,
      `FAIL ${bad}  passed 0  failed 1  skipped 0`,
      "  line 4: eval instant a",
      "    instant: expected 3 for a but got 2",
      "    expected:",
      "      a 3",
      "    got:",
      "      a 2",
      "FAIL total: 2 files  passed 1  failed 1  skipped 0",
      "",
    ]);
  });

  it("--json prints one document with every eval", async () => {
    const { code, out } = await run([bad], { json: true });
    expect(code).toBe(1);
    const doc = JSON.parse(out);
    expect(doc).toMatchObject({ ok: false, passed: 0, failed: 1, skipped: 0 });
    expect(doc.files[0].evals[0]).toMatchObject({ line: 4, outcome: "fail" });
  });
});
