import type { Command } from "commander";
import { parsePromDuration, parsePromTime } from "../api/index.js";
import { formatQueryData, type QueryData } from "./query-format.js";

/** Options of `reddot query`; times are Unix seconds, RFC 3339 or `now`. */
export interface QueryOptions {
  server: string;
  time?: string;
  start?: string;
  end?: string;
  step?: string;
  json?: boolean;
}

/** Where the answer and the diagnostics go. */
export interface QueryIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Clock for `now` and the default range, ms. */
  now?: () => number;
}

/** A Prometheus API answer, success or error. */
interface ApiAnswer {
  status?: string;
  data?: QueryData;
  errorType?: string;
  error?: string;
  warnings?: string[];
  infos?: string[];
}

/** Default range when only some of --start/--end/--step are given, as promtool: the last 5 minutes. */
const DEFAULT_RANGE_MS = 5 * 60_000;

/**
 * Runs one query against a server's HTTP API (as `promtool query instant` /
 * `range`): an instant query, or a range query when --start, --end or --step
 * is given. Prints the result, warnings and infos; returns the exit code.
 */
export async function runQuery(expr: string, opts: QueryOptions, io: QueryIo): Promise<number> {
  // One reading of the clock, so `--start now` never lands after a default end.
  const at = (io.now ?? Date.now)();
  const now = () => at;
  const fail = (msg: string) => {
    io.stderr.write(`reddot: ${msg}\n`);
    return 1;
  };
  const params = new URLSearchParams({ query: expr });
  let path = "/api/v1/query";
  try {
    if (opts.start !== undefined || opts.end !== undefined || opts.step !== undefined) {
      if (opts.time !== undefined)
        return fail("--time is for instant queries; drop it or --start/--end/--step");
      path = "/api/v1/query_range";
      const end = opts.end === undefined ? now() : cliTime(opts.end, "--end", now);
      const start =
        opts.start === undefined ? end - DEFAULT_RANGE_MS : cliTime(opts.start, "--start", now);
      params.set("start", String(start / 1000));
      params.set("end", String(end / 1000));
      params.set("step", String(cliStep(opts.step, end - start) / 1000));
    } else if (opts.time !== undefined) {
      params.set("time", String(cliTime(opts.time, "--time", now) / 1000));
    }
  } catch (e) {
    return fail((e as Error).message);
  }
  const url = `${opts.server.replace(/\/+$/, "")}${path}`;
  let status: number;
  let text: string;
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: params.toString(),
    });
    status = res.status;
    text = await res.text();
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    return fail(`cannot reach ${opts.server}: ${cause ?? (e as Error).message}`);
  }
  let answer: ApiAnswer;
  try {
    answer = JSON.parse(text) as ApiAnswer;
  } catch {
    return fail(`${url} answered ${status} with something other than JSON: ${text.slice(0, 200)}`);
  }
  for (const w of answer.warnings ?? []) io.stderr.write(`warning: ${w}\n`);
  for (const i of answer.infos ?? []) io.stderr.write(`info: ${i}\n`);
  if (answer.status !== "success" || answer.data === undefined) {
    return fail(`query failed (${status} ${answer.errorType ?? "error"}): ${answer.error ?? text}`);
  }
  if (opts.json === true) {
    io.stdout.write(`${text}\n`);
    return 0;
  }
  const out = formatQueryData(answer.data);
  if (out === "") io.stderr.write("(empty result)\n");
  io.stdout.write(out);
  return 0;
}

/** A time flag: `now`, Unix seconds or RFC 3339; ms. */
function cliTime(raw: string, flag: string, now: () => number): number {
  if (raw === "now") return now();
  const ms = parsePromTime(raw);
  if (ms === undefined)
    throw new Error(`${flag}: cannot parse "${raw}" as Unix seconds or RFC 3339`);
  return ms;
}

/** `--step`, or promtool's default: the range over 250 points, at least 1s. */
function cliStep(raw: string | undefined, rangeMs: number): number {
  if (raw === undefined) return Math.max(Math.floor(rangeMs / 250 / 1000), 1) * 1000;
  const ms = parsePromDuration(raw);
  if (ms === undefined)
    throw new Error(`--step: cannot parse "${raw}" as a duration (15s, 1m) or seconds`);
  return ms;
}

/** `reddot query EXPR`: queries a running server's API and prints the result. */
export function registerQueryCommand(program: Command): void {
  program
    .command("query")
    .description(
      "evaluate a PromQL expression on a running server: instant, or a range with --start/--end/--step",
    )
    .argument("<expr>", "PromQL expression, e.g. 'rate(up[5m])'")
    .option("--server <url>", "server to ask", "http://127.0.0.1:9190")
    .option("--time <t>", "evaluation time of an instant query (Unix seconds, RFC 3339, now)")
    .option("--start <t>", "range start (default: --end minus 5m)")
    .option("--end <t>", "range end (default: now)")
    .option("--step <d>", "range step, a duration or seconds (default: range / 250, at least 1s)")
    .option("--json", "print the server's JSON answer as is")
    .action(async (expr: string, opts: QueryOptions) => {
      process.exitCode = await runQuery(expr, opts, {
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });
}
