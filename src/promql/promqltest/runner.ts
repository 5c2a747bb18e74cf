/**
 * Runs promqltest scripts against reddot's engine and embedded store and
 * reports pass / fail / skip per eval, as upstream Prometheus judges them.
 * Evals that need native histograms or start timestamps (not in reddot yet) are skipped and
 * counted; everything else runs.
 */
import { readFile } from "node:fs/promises";
import type { Expr } from "../ast.js";
import { Engine } from "../engine/engine.js";
import { parseExpr } from "../parser/index.js";
import { formatLabels } from "./compare.js";
import { HistogramSeries } from "./histogram-series.js";
import { crashText, type EvalFailure, EvalRunner } from "./run-eval.js";
import { parseScript, ScriptError } from "./script.js";
import type { Command, EvalCommand } from "./script-types.js";
import { TestStore } from "./test-store.js";

export type Outcome = "pass" | "fail" | "skip";

export interface EvalReport {
  /** Line of the `eval` header in the script. */
  readonly line: number;
  readonly expr: string;
  readonly kind: "instant" | "range";
  readonly outcome: Outcome;
  /** Why it was skipped. */
  readonly skipReason?: string;
  /** What failed (only for outcome "fail"). */
  readonly failure?: EvalFailure;
}

export interface FileReport {
  readonly file: string;
  /** True when no eval failed and the script parsed and loaded cleanly. */
  readonly ok: boolean;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Skips per reason ("native histogram in expected result", "selects a native-histogram series"). */
  readonly skipsByReason: Readonly<Record<string, number>>;
  /** Problems outside evals: a script that does not parse, loads the store refused. */
  readonly errors: readonly string[];
  readonly evals: readonly EvalReport[];
}

export interface RunOptions {
  /** The engine to judge (default: the settings upstream's built-in tests use). */
  readonly engine?: Engine;
  /** Called after each eval, e.g. for progress output. */
  readonly onEval?: (r: EvalReport) => void;
}

/** Settings of upstream's test engine (FORMAT.md section 10). */
export function conformanceEngine(): Engine {
  return new Engine({
    experimental: true,
    delayedNameRemoval: true,
    maxSamples: 10000,
    timeoutMs: 100_000,
    defaultSubqueryStep: 60_000,
    lookbackDelta: 300_000,
  });
}

export const SKIP_EXPECTED_HISTOGRAM = "native histogram in expected result";
export const SKIP_SELECTS_HISTOGRAM = "selects a native-histogram series";
export const SKIP_SELECTS_START_TIMESTAMPS = "selects a series with start timestamps (not stored)";

/** Reads, parses and runs one script file. */
export async function runScriptFile(path: string, opts: RunOptions = {}): Promise<FileReport> {
  return runScriptText(await readFile(path, "utf8"), path, opts);
}

/** Parses and runs a script given as text; `file` names it in messages. */
export async function runScriptText(
  text: string,
  file: string,
  opts: RunOptions = {},
): Promise<FileReport> {
  let cmds: Command[];
  try {
    cmds = parseScript(text, file);
  } catch (e) {
    if (!(e instanceof ScriptError)) throw e;
    return summarize(file, [], [e.message]);
  }
  return runCommands(cmds, file, opts);
}

/** Runs parsed commands against a fresh store. */
export async function runCommands(
  cmds: readonly Command[],
  file: string,
  opts: RunOptions = {},
): Promise<FileReport> {
  const engine = opts.engine ?? conformanceEngine();
  const store = await TestStore.open();
  const histograms = new HistogramSeries();
  const withStartTimestamps = new HistogramSeries({ startTimestamps: true });
  const evals: EvalReport[] = [];
  const errors: string[] = [];
  try {
    for (const cmd of cmds) {
      if (cmd.type === "clear") {
        await store.reset();
        histograms.clear();
        withStartTimestamps.clear();
      } else if (cmd.type === "load") {
        histograms.addLoad(cmd);
        withStartTimestamps.addLoad(cmd);
        const r = await store.load(cmd);
        const refused = Object.entries(r.refused).filter(([, n]) => (n ?? 0) > 0);
        if (refused.length > 0) {
          const what = refused.map(([reason, n]) => `${n} ${reason}`).join(", ");
          errors.push(`${file}:${cmd.line}: the store refused samples of this load: ${what}`);
        }
      } else {
        const r = await runEval(
          cmd,
          new EvalRunner(engine, store.storage),
          histograms,
          withStartTimestamps,
        );
        evals.push(r);
        opts.onEval?.(r);
      }
    }
  } finally {
    await store.close();
  }
  return summarize(file, evals, errors);
}

async function runEval(
  ev: EvalCommand,
  runner: EvalRunner,
  histograms: HistogramSeries,
  withStartTimestamps: HistogramSeries,
): Promise<EvalReport> {
  const base = { line: ev.line, expr: ev.expr, kind: ev.kind };
  const expectsHistogram = ev.series.some((s) => s.values.some((v) => v.kind === "histogram"));
  if (expectsHistogram) return { ...base, outcome: "skip", skipReason: SKIP_EXPECTED_HISTOGRAM };
  let ast: Expr;
  try {
    ast = parseExpr(ev.expr, { experimental: true });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      ...base,
      outcome: "fail",
      failure: {
        run: "parse",
        query: ev.expr,
        message: `the query does not parse (upstream rejects the whole file then): ${message}`,
      },
    };
  }
  const hist = histograms.matchedBy(ast);
  if (hist !== undefined) {
    return {
      ...base,
      outcome: "skip",
      skipReason: `${SKIP_SELECTS_HISTOGRAM} (${formatLabels(hist)})`,
    };
  }
  const st = withStartTimestamps.matchedBy(ast);
  if (st !== undefined) {
    return {
      ...base,
      outcome: "skip",
      skipReason: `${SKIP_SELECTS_START_TIMESTAMPS} (${formatLabels(st)})`,
    };
  }
  let failure: EvalFailure | undefined;
  try {
    failure = await runner.run(ev, ast);
  } catch (e) {
    // E.g. the printer failing on the @-rewritten tree: a bug to see, not a reason to stop the file.
    failure = { run: "runner", query: ev.expr, message: `crashed: ${crashText(e)}` };
  }
  return failure === undefined
    ? { ...base, outcome: "pass" }
    : { ...base, outcome: "fail", failure };
}

function summarize(file: string, evals: EvalReport[], errors: string[]): FileReport {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const skipsByReason: Record<string, number> = {};
  for (const e of evals) {
    if (e.outcome === "pass") passed++;
    else if (e.outcome === "fail") failed++;
    else {
      skipped++;
      const reason = (e.skipReason ?? "").replace(/ \(.*\)$/, "");
      skipsByReason[reason] = (skipsByReason[reason] ?? 0) + 1;
    }
  }
  return {
    file,
    ok: failed === 0 && errors.length === 0,
    passed,
    failed,
    skipped,
    skipsByReason,
    errors,
    evals,
  };
}
