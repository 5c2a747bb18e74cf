/**
 * Runs a Nagios-compatible plugin safely: the command is a plain file name
 * looked up only in the configured plugin directories (its real path must stay
 * inside the directory and be a regular executable file), spawned without a
 * shell, with its arguments as a list, a minimal environment, stdin closed,
 * its own process group (so a timeout kills its children too: SIGTERM, then
 * SIGKILL after a grace period) and a cap on the output it may return.
 * Plugin failures never throw: they are UNKNOWN results saying what happened.
 */
import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { access, realpath, stat } from "node:fs/promises";
import { join, sep } from "node:path";
import { ReddotError } from "../../lib/errors.js";
import type { CheckResult, PluginCheckSpec } from "../types.js";
import { parsePluginOutput } from "./plugin-output.js";

export interface RunPluginOptions {
  /** Directories plugins may come from, searched in order. */
  readonly pluginDirs: readonly string[];
  /** Added to (and may override) the minimal environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Bytes of stdout kept; the rest is discarded and the result is UNKNOWN. Default 64 KiB. */
  readonly maxOutputBytes?: number;
  /** Time between SIGTERM and SIGKILL on timeout. Default 2 s. */
  readonly killGraceMs?: number;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;
export const DEFAULT_KILL_GRACE_MS = 2000;
export const PLUGIN_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";
const MAX_STDERR_BYTES = 4096;
/** After the plugin exits, how long a child it left behind may keep its output open. */
const AFTER_EXIT_WAIT_MS = 500;

/** Why `command` is not an acceptable plugin name, or undefined when it is. */
export function pluginCommandProblem(command: string): string | undefined {
  if (command === "") return "plugin command is empty";
  if (command.includes("\0")) return "plugin command contains a NUL byte";
  if (command.includes("/"))
    return `plugin command ${JSON.stringify(command)} must be a file name, not a path`;
  if (command.includes("..") || command === ".")
    return `plugin command ${JSON.stringify(command)} must not contain ".."`;
  return undefined;
}

/** For config validation: throws RD_PLUGIN_COMMAND when `command` is not a plain file name. */
export function assertPluginCommand(command: string, where: string): void {
  const problem = pluginCommandProblem(command);
  if (problem !== undefined)
    throw new ReddotError("RD_PLUGIN_COMMAND", 400, `${where}: ${problem}`);
}

/**
 * A plugin found: `path` is its real path (what is executed, so a symlink
 * swapped after the check cannot redirect it), `argv0` the name it was found
 * under (multi-call plugins such as check_tcp read it: check_ftp -> check_tcp).
 */
export type ResolvedPlugin =
  | { readonly ok: true; readonly path: string; readonly argv0: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Finds `command` in the first plugin directory that has it. A file found but
 * refused (escaping symlink, not a regular file, not executable) is an error,
 * not a reason to look further.
 */
export async function resolvePlugin(
  command: string,
  pluginDirs: readonly string[],
): Promise<ResolvedPlugin> {
  const problem = pluginCommandProblem(command);
  if (problem !== undefined) return { ok: false, reason: problem };
  for (const dir of pluginDirs) {
    let realDir: string;
    try {
      realDir = await realpath(dir);
    } catch {
      continue;
    }
    let real: string;
    try {
      real = await realpath(join(realDir, command));
    } catch (e) {
      if (errCode(e) === "ENOENT" || errCode(e) === "ENOTDIR") continue;
      return { ok: false, reason: `plugin ${command} in ${dir}: ${errMessage(e)}` };
    }
    if (!real.startsWith(realDir.endsWith(sep) ? realDir : realDir + sep)) {
      return {
        ok: false,
        reason: `plugin ${command} in ${dir} resolves to ${real}, outside the plugin directory`,
      };
    }
    try {
      const st = await stat(real);
      if (!st.isFile())
        return { ok: false, reason: `plugin ${command} in ${dir} is not a regular file` };
      await access(real, constants.X_OK);
    } catch (e) {
      return {
        ok: false,
        reason: `plugin ${command} in ${dir} is not executable (${errCode(e) ?? errMessage(e)})`,
      };
    }
    return { ok: true, path: real, argv0: join(dir, command) };
  }
  return {
    ok: false,
    reason: `plugin ${command} not found in ${pluginDirs.join(", ") || "(no plugin directories)"}`,
  };
}

/** Runs one plugin check. Never throws for anything the plugin or its configuration does. */
export async function runPlugin(
  spec: PluginCheckSpec,
  opts: RunPluginOptions,
): Promise<CheckResult> {
  const startedAt = Date.now();
  const t0 = performance.now();
  const unknown = (output: string, longOutput = ""): CheckResult => ({
    check: spec.name,
    status: 3,
    output,
    longOutput,
    perfdata: [],
    startedAt,
    durationMs: performance.now() - t0,
  });
  if (!(spec.timeoutMs > 0) || !Number.isFinite(spec.timeoutMs)) {
    return unknown(`invalid timeout ${spec.timeoutMs} ms for plugin ${spec.command}`);
  }
  const resolved = await resolvePlugin(spec.command, opts.pluginDirs);
  if (!resolved.ok) return unknown(resolved.reason);
  const maxOutputBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const run = await execute(resolved, spec, opts, maxOutputBytes);
  if (run.spawnError !== undefined)
    return unknown(`plugin ${spec.command} could not be started: ${run.spawnError}`);
  const parsed = parsePluginOutput(run.stdout, run.code, {
    signal: run.signal,
    ...(run.timedOut ? { timedOutAfterMs: spec.timeoutMs } : {}),
    discardedBytes: run.discardedBytes,
    maxOutputBytes,
    stderr: run.stderr,
  });
  return {
    check: spec.name,
    status: parsed.status,
    output: parsed.output,
    longOutput: withMalformedNote(parsed.longOutput, parsed.perfdataMalformed),
    perfdata: parsed.perfdata,
    startedAt,
    durationMs: performance.now() - t0,
  };
}

interface RunOutcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly discardedBytes: number;
  readonly spawnError?: string;
}

function execute(
  plugin: { readonly path: string; readonly argv0: string },
  spec: PluginCheckSpec,
  opts: RunPluginOptions,
  maxOutputBytes: number,
): Promise<RunOutcome> {
  const grace = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  return new Promise((resolve) => {
    const child = spawn(plugin.path, [...spec.args], {
      argv0: plugin.argv0,
      shell: false,
      detached: true, // own session and process group: a timeout kills the plugin's children too
      stdio: ["ignore", "pipe", "pipe"],
      cwd: "/",
      env: { PATH: PLUGIN_PATH, LANG: "C", ...opts.env },
    });
    const out = new CappedBuffer(maxOutputBytes);
    const err = new CappedBuffer(MAX_STDERR_BYTES);
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    let code: number | null = null;
    let signal: string | null = null;
    let exited = false;
    let timedOut = false;
    let done = false;
    const timers: NodeJS.Timeout[] = [];
    const killGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // ESRCH: the group is already gone
      }
    };
    const finish = (spawnError?: string): void => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      // Nothing the plugin started outlives the check (its group's id stays
      // taken while any member lives, so this cannot hit an unrelated group).
      killGroup("SIGKILL");
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({
        stdout: out.text(),
        stderr: err.text(),
        code,
        signal,
        timedOut,
        discardedBytes: out.discarded,
        ...(spawnError === undefined ? {} : { spawnError }),
      });
    };
    timers.push(
      setTimeout(() => {
        if (exited) return;
        timedOut = true;
        killGroup("SIGTERM");
        timers.push(setTimeout(() => killGroup("SIGKILL"), grace));
        // Bound the wait even if the process somehow survives SIGKILL's delivery.
        timers.push(setTimeout(() => finish(), grace + 5000));
      }, spec.timeoutMs),
    );
    child.on("error", (e) => {
      if (child.pid === undefined) finish(e.message);
    });
    child.on("exit", (c, s) => {
      exited = true;
      code = c;
      signal = s;
      // A child left behind may hold the pipes open: give it a moment, then finish (which kills the group).
      timers.push(setTimeout(() => finish(), AFTER_EXIT_WAIT_MS));
    });
    child.on("close", () => finish());
  });
}

/** Keeps the first `max` bytes; counts the rest. */
class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  discarded = 0;

  constructor(private readonly max: number) {}

  push(b: Buffer): void {
    const room = this.max - this.kept;
    if (room >= b.length) {
      this.chunks.push(b);
      this.kept += b.length;
      return;
    }
    if (room > 0) {
      this.chunks.push(b.subarray(0, room));
      this.kept += room;
    }
    this.discarded += b.length - Math.max(room, 0);
  }

  /** UTF-8 text; a character cut at the cap is dropped, not replaced by U+FFFD. */
  text(): string {
    const decoder = new TextDecoder("utf-8", { fatal: false });
    return this.discarded > 0
      ? decoder.decode(Buffer.concat(this.chunks), { stream: true })
      : decoder.decode(Buffer.concat(this.chunks));
  }
}

/** CheckResult has no field for it, so skipped perfdata is said in the long output. */
function withMalformedNote(longOutput: string, malformed: number): string {
  if (malformed === 0) return longOutput;
  const note = `[${malformed} malformed perfdata item${malformed === 1 ? "" : "s"} skipped]`;
  return longOutput === "" ? note : `${longOutput}\n${note}`;
}

function errCode(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e && typeof e.code === "string"
    ? e.code
    : undefined;
}

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
