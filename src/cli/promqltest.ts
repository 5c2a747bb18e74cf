import type { Command } from "commander";
import { type EvalReport, type FileReport, runScriptFile } from "../promql/index.js";

/** Options of `reddot promqltest`. */
export interface PromqltestOptions {
  /** Every failure (not only the first few), every skip, and rewritten queries. */
  verbose?: boolean;
  /** One JSON document with every file's report instead of text. */
  json?: boolean;
}

export interface PromqltestIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

/** Failures shown per file without --verbose. */
const FIRST_FAILURES = 5;
/** Expected and actual rows shown per failure. */
const ROWS = 5;

/**
 * Runs PromQL test scripts (Prometheus's promqltest format, docs/promqltest.md)
 * against the built-in engine and a temporary store; prints one line per file
 * and the first differences of failures. Returns the exit code: 0 only when
 * nothing failed.
 */
export async function runPromqltest(
  files: readonly string[],
  opts: PromqltestOptions,
  io: PromqltestIo,
): Promise<number> {
  const reports: FileReport[] = [];
  const progress = io.stdout.isTTY === true && opts.json !== true;
  for (const [i, file] of files.entries()) {
    let evals = 0;
    if (progress) io.stderr.write(`\r\x1b[K[${i + 1}/${files.length}] ${file}`);
    let report: FileReport;
    try {
      report = await runScriptFile(file, {
        onEval: progress
          ? () => {
              evals++;
              if (evals % 25 === 0)
                io.stderr.write(`\r\x1b[K[${i + 1}/${files.length}] ${file}: ${evals} evals`);
            }
          : undefined,
      });
    } catch (e) {
      // A file that cannot be read is a failure of that file, not of the run.
      const message = e instanceof Error ? e.message : String(e);
      report = {
        file,
        ok: false,
        passed: 0,
        failed: 0,
        skipped: 0,
        skipsByReason: {},
        errors: [message],
        evals: [],
      };
    }
    if (progress) io.stderr.write("\r\x1b[K");
    reports.push(report);
    if (opts.json !== true) io.stdout.write(formatFile(report, opts.verbose === true));
  }
  const total = totals(reports);
  if (opts.json === true) {
    io.stdout.write(`${JSON.stringify({ ...total, files: reports }, null, 2)}\n`);
  } else {
    io.stdout.write(
      `${total.ok ? "PASS" : "FAIL"} total: ${reports.length} files  passed ${total.passed}  failed ${total.failed}  skipped ${total.skipped}\n`,
    );
  }
  return total.ok ? 0 : 1;
}

function totals(reports: readonly FileReport[]) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const r of reports) {
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
  }
  return { ok: reports.every((r) => r.ok), passed, failed, skipped };
}

/** The file's summary line, then its problems. */
export function formatFile(r: FileReport, verbose: boolean): string {
  const skips = Object.entries(r.skipsByReason).map(([reason, n]) => `${n} ${reason}`);
  let out = `${r.ok ? "PASS" : "FAIL"} ${r.file}  passed ${r.passed}  failed ${r.failed}  skipped ${r.skipped}${skips.length > 0 ? ` (${skips.join(", ")})` : ""}\n`;
  for (const e of r.errors) out += `  ${e}\n`;
  const failures = r.evals.filter((e) => e.outcome === "fail");
  const shown = verbose ? failures : failures.slice(0, FIRST_FAILURES);
  for (const e of shown) out += formatFailure(e, verbose);
  if (shown.length < failures.length) {
    out += `  ... and ${failures.length - shown.length} more failures (--verbose shows all)\n`;
  }
  if (verbose) {
    for (const e of r.evals) {
      if (e.outcome === "skip") out += `  skipped line ${e.line}: ${e.expr} (${e.skipReason})\n`;
    }
  }
  return out;
}

function formatFailure(e: EvalReport, verbose: boolean): string {
  const f = e.failure;
  let out = `  line ${e.line}: eval ${e.kind} ${e.expr}\n`;
  if (f === undefined) return out;
  out += `    ${f.run}: ${f.message}\n`;
  if (f.query !== e.expr) out += `    query: ${f.query}\n`;
  const rows = (label: string, xs: readonly string[] | undefined) => {
    if (xs === undefined) return "";
    const list = verbose ? xs : xs.slice(0, ROWS);
    let s = `    ${label}:${list.length === 0 ? " (nothing)" : ""}\n`;
    for (const x of list) s += `      ${x}\n`;
    if (list.length < xs.length) s += `      ... ${xs.length - list.length} more\n`;
    return s;
  };
  return out + rows("expected", f.expected) + rows("got", f.got);
}

/** `reddot promqltest FILE...`: runs PromQL test scripts; exit 1 when any eval fails. */
export function registerPromqltestCommand(program: Command): void {
  program
    .command("promqltest")
    .description(
      "run PromQL test scripts (Prometheus's .test format) against the built-in engine; exit 1 on failures",
    )
    .argument("<files...>", "script files")
    .option("--verbose", "show every failure with all rows, and every skipped eval")
    .option("--json", "print one JSON report instead of text")
    .action(async (files: string[], opts: PromqltestOptions) => {
      process.exitCode = await runPromqltest(files, opts, {
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });
}
