import type { Command } from "commander";
import { formatRuleTestReport, runRuleTestFile } from "../rules/index.js";

/** Most test files one run takes: bounds the work of one command line. */
const MAX_FILES = 10_000;

/**
 * `reddot test rules FILE...`: runs promtool-format rule unit tests; prints
 * `Unit Testing:  FILE` then `SUCCESS` or `FAILED:` and the differences.
 * Returns the exit code: 0 when every file passes, 1 otherwise.
 */
export async function runTestRules(
  files: readonly string[],
  out: { stdout: NodeJS.WritableStream },
  opts: { run?: readonly string[] } = {},
): Promise<number> {
  if (files.length > MAX_FILES) {
    out.stdout.write(`too many test files (${files.length}); at most ${MAX_FILES}\n`);
    return 1;
  }
  const run: RegExp[] = [];
  for (const r of opts.run ?? []) {
    try {
      if (r.length > 1024) throw new Error("longer than 1024 characters");
      run.push(new RegExp(r, "u"));
    } catch (e) {
      out.stdout.write(
        `--run ${JSON.stringify(r)}: not a valid regular expression: ${(e as Error).message}\n`,
      );
      return 1;
    }
  }
  let failed = false;
  for (const f of files) {
    const report = await runRuleTestFile(f, { run });
    if (report.errors.length > 0) failed = true;
    out.stdout.write(formatRuleTestReport(report));
  }
  return failed ? 1 : 0;
}

export function registerTestRulesCommand(test: Command): void {
  test
    .command("rules")
    .description(
      "run rule unit tests in promtool's format (promtool test rules); exit 1 on failure",
    )
    .argument("<files...>", "test files (YAML: rule_files, evaluation_interval, tests)")
    .option(
      "--run <regex>",
      "only test groups whose name matches (repeatable)",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .action(async (files: string[], opts: { run?: string[] }) => {
      process.exitCode = await runTestRules(
        files,
        { stdout: process.stdout },
        { run: opts.run ?? [] },
      );
    });
}
