/**
 * Prometheus's PromQL conformance scripts (../shared/promql/testdata,
 * version 3.14.0), run against reddot's engine and embedded store. Every file
 * must pass with zero failures; evals that need native histograms are skipped
 * and counted.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type FileReport, runScriptFile } from "./runner.js";
import { upstreamTestdataDir } from "./testdata-dir.js";

const TESTDATA = upstreamTestdataDir() ?? "../shared/promql/testdata (not found)";
const files = existsSync(TESTDATA)
  ? readdirSync(TESTDATA)
      .filter((f) => f.endsWith(".test"))
      .sort()
  : [];

/** A failure in a line a reader can act on. */
function describeFailures(r: FileReport): string[] {
  return r.evals
    .filter((e) => e.outcome === "fail")
    .slice(0, 10)
    .map((e) => `line ${e.line}: ${e.expr} [${e.failure?.run}] ${e.failure?.message}`);
}

describe("PromQL conformance (upstream promqltest scripts)", () => {
  it("finds the conformance scripts", () => {
    expect(existsSync(TESTDATA), `missing ${TESTDATA}`).toBe(true);
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(file, { timeout: 900_000 }, async () => {
      const r = await runScriptFile(join(TESTDATA, file));
      const skips = Object.entries(r.skipsByReason)
        .map(([reason, n]) => `${n} ${reason}`)
        .join(", ");
      process.stdout.write(
        `${file}: passed ${r.passed}, failed ${r.failed}, skipped ${r.skipped}${skips ? ` (${skips})` : ""}\n`,
      );
      expect({ failed: r.failed, errors: r.errors, firstFailures: describeFailures(r) }).toEqual({
        failed: 0,
        errors: [],
        firstFailures: [],
      });
    });
  }
});
