import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runTestRules } from "./test-rules.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "reddot-cli-ruletest-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(files: string[]) {
  const stdout = new PassThrough();
  let text = "";
  stdout.on("data", (c) => {
    text += String(c);
  });
  const code = await runTestRules(files, { stdout });
  return { code, text };
}

describe("reddot test rules", () => {
  it("exits 0 when every file passes and 1 when one fails", async () => {
    writeFileSync(
      join(dir, "r.yml"),
      "groups:\n  - name: g\n    rules:\n      - alert: Always\n        expr: vector(1)\n",
    );
    const good = join(dir, "good.yml");
    writeFileSync(
      good,
      "rule_files: [r.yml]\ntests:\n  - alert_rule_test: [{ eval_time: 1m, alertname: Always, exp_alerts: [{}] }]\n",
    );
    const bad = join(dir, "bad.yml");
    writeFileSync(
      bad,
      "rule_files: [r.yml]\ntests:\n  - alert_rule_test: [{ eval_time: 1m, alertname: Always, exp_alerts: [] }]\n",
    );
    const ok = await run([good]);
    expect(ok).toEqual({ code: 0, text: `Unit Testing:  ${good}\n  SUCCESS\n\n` });
    const both = await run([good, bad]);
    expect(both.code).toBe(1);
    expect(both.text).toContain(
      `Unit Testing:  ${bad}\n  FAILED:\n    alertname: Always, time: 1m, \n`,
    );
  });

  it("--run selects test groups by name", async () => {
    writeFileSync(
      join(dir, "r.yml"),
      "groups:\n  - name: g\n    rules:\n      - alert: Always\n        expr: vector(1)\n",
    );
    const f = join(dir, "t.yml");
    writeFileSync(
      f,
      "rule_files: [r.yml]\ntests:\n  - name: right\n    alert_rule_test: [{ eval_time: 1m, alertname: Always, exp_alerts: [{}] }]\n  - name: wrong\n    alert_rule_test: [{ eval_time: 1m, alertname: Always, exp_alerts: [] }]\n",
    );
    expect((await run([f])).code).toBe(1);
    const stdout = new PassThrough();
    expect(await runTestRules([f], { stdout }, { run: ["^rig"] })).toBe(0);
    expect(await runTestRules([f], { stdout }, { run: ["("] })).toBe(1);
  });
});
