/**
 * The Nagios plugin output contract (https://nagios-plugins.org/doc/guidelines.html,
 * "Plugin Output" and "Performance data"):
 *
 *     TEXT OUTPUT | OPTIONAL PERFDATA
 *     LONG TEXT LINE 1
 *     LONG TEXT LINE 2 | PERFDATA LINE 2
 *     PERFDATA LINE 3
 *
 * The first `|` of the first line starts its perfdata; the first `|` in the
 * following lines starts perfdata that runs to the end of the output. Exit
 * codes 0..3 are the status; anything else (another code, a signal, a
 * timeout, binary output, output over the size limit) is UNKNOWN with an
 * output saying what happened. Pure; never throws.
 */
import type { CheckStatus, PerfDatum } from "../types.js";
import { parsePerfdata } from "./perfdata.js";

export interface PluginOutputOptions {
  /** Signal that ended the process, when it did not exit by itself. */
  readonly signal?: string | null;
  /** Set when the runner killed the plugin for running past its timeout (ms). */
  readonly timedOutAfterMs?: number;
  /** Bytes of output discarded over the size limit; > 0 makes the result UNKNOWN. */
  readonly discardedBytes?: number;
  /** The size limit that `discardedBytes` refers to, for the message. */
  readonly maxOutputBytes?: number;
  /** What the plugin wrote on stderr; shown when stdout says nothing or the plugin failed. */
  readonly stderr?: string;
}

export interface ParsedPluginOutput {
  readonly status: CheckStatus;
  /** First line (before `|`), trimmed; or what went wrong. */
  readonly output: string;
  readonly longOutput: string;
  readonly perfdata: readonly PerfDatum[];
  /** Perfdata items that did not parse and were skipped. */
  readonly perfdataMalformed: number;
}

/** C0 controls except tab, newline, carriage return and escape (ANSI colours are stripped). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_RE = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences
const ANSI_RE = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

export function parsePluginOutput(
  stdout: string,
  exitCode: number | null,
  opts: PluginOutputOptions = {},
): ParsedPluginOutput {
  const stderr = clean(opts.stderr ?? "").trim();
  if (isBinary(stdout)) {
    const why = `plugin output is not text (${describeExit(exitCode, opts)})`;
    return { status: 3, output: why, longOutput: stderr, perfdata: [], perfdataMalformed: 0 };
  }
  const split = splitOutput(clean(stdout));
  let output = split.output;
  let longOutput = split.longOutput;
  if (output === "" && longOutput === "" && stderr !== "") {
    const lines = stderr.split("\n");
    output = (lines[0] ?? "").trim();
    longOutput = lines.slice(1).join("\n");
  } else if (stderr !== "" && !isStatus(exitCode)) {
    longOutput = longOutput === "" ? stderr : `${longOutput}\n${stderr}`;
  }
  const discarded = opts.discardedBytes ?? 0;
  if (discarded > 0) {
    const note = `[${discarded} bytes of output over the limit discarded]`;
    longOutput = longOutput === "" ? note : `${longOutput}\n${note}`;
  }
  const perf = parsePerfdata(split.perfText);
  const base = { longOutput, perfdata: perf.items, perfdataMalformed: perf.malformed };

  if (opts.timedOutAfterMs !== undefined || (opts.signal ?? null) !== null) {
    const said = output === "" ? "" : `; partial output: ${output}`;
    return { ...base, status: 3, output: `${describeExit(exitCode, opts)}${said}`, perfdata: [] };
  }
  if (!isStatus(exitCode)) {
    const said = output === "" ? "" : `: ${output}`;
    return { ...base, status: 3, output: `${describeExit(exitCode, opts)}${said}` };
  }
  if (discarded > 0) {
    const limit =
      opts.maxOutputBytes === undefined ? "the limit" : formatBytes(opts.maxOutputBytes);
    const said = output === "" ? "" : `: ${output}`;
    return {
      ...base,
      status: 3,
      output: `plugin output exceeded ${limit} (${discarded} bytes discarded; exit code ${exitCode})${said}`,
    };
  }
  return {
    ...base,
    status: exitCode,
    output: output === "" ? "(no output returned from plugin)" : output,
  };
}

/** What happened to the process, in words: "plugin exited with code 127", "killed by SIGKILL after 10 s timeout". */
export function describeExit(exitCode: number | null, opts: PluginOutputOptions = {}): string {
  const signal = opts.signal ?? null;
  if (opts.timedOutAfterMs !== undefined) {
    const secs = formatSeconds(opts.timedOutAfterMs);
    if (signal !== null) return `killed by ${signal} after ${secs} timeout`;
    return `plugin timed out after ${secs} and exited with code ${exitCode ?? "unknown"} when told to stop`;
  }
  if (signal !== null) return `plugin killed by ${signal}`;
  if (exitCode === null) return "plugin exit status unknown";
  return `plugin exited with code ${exitCode}`;
}

function isStatus(code: number | null): code is CheckStatus {
  return code === 0 || code === 1 || code === 2 || code === 3;
}

interface SplitOutput {
  readonly output: string;
  readonly longOutput: string;
  readonly perfText: string;
}

function splitOutput(text: string): SplitOutput {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && (lines[lines.length - 1] ?? "").trim() === "") lines.pop();
  const first = lines[0] ?? "";
  const bar = first.indexOf("|");
  const output = (bar < 0 ? first : first.slice(0, bar)).trim();
  const perf: string[] = bar < 0 ? [] : [first.slice(bar + 1)];
  const long: string[] = [];
  let inPerf = false;
  for (const line of lines.slice(1)) {
    if (inPerf) {
      perf.push(line);
      continue;
    }
    const b = line.indexOf("|");
    if (b < 0) {
      long.push(line);
      continue;
    }
    inPerf = true;
    if (line.slice(0, b).trim() !== "") long.push(line.slice(0, b).trimEnd());
    perf.push(line.slice(b + 1));
  }
  return { output, longOutput: long.join("\n"), perfText: perf.join(" ") };
}

function clean(s: string): string {
  return s.replace(ANSI_RE, "").replace(CONTROL_RE, "");
}

/** NUL bytes or undecodable bytes (U+FFFD after UTF-8 decoding): not a plugin's text. */
function isBinary(s: string): boolean {
  return s.includes("\u0000") || s.includes("\ufffd");
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}
