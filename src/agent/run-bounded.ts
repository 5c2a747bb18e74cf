/**
 * Runs one executable for the facts collectors and builtin checks: an argument array, never a
 * shell; a wall-clock timeout after which the child is killed (SIGKILL); and a
 * cap on the bytes of stdout kept, past which the child is killed too. Never
 * rejects: every failure is a field of the result, so one broken command
 * cannot stop the collection of the others.
 */
import { spawn } from "node:child_process";

/** What a bounded run produced. */
export interface RunResult {
  /** Exit code, or null when killed by a signal or never started. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** At most `maxStdoutBytes` bytes of stdout, decoded as UTF-8. */
  readonly stdout: string;
  /** The first `maxStderrBytes` bytes of stderr. */
  readonly stderr: string;
  /** Killed because it ran past `timeoutMs`. */
  readonly timedOut: boolean;
  /** Killed because stdout went past `maxStdoutBytes`. */
  readonly overflow: boolean;
  /** Set when the process could not start; `ENOENT` when the binary is absent. */
  readonly spawnError?: NodeJS.ErrnoException;
}

export interface RunOptions {
  readonly timeoutMs: number;
  readonly maxStdoutBytes: number;
  /** Default 4 KiB: enough for an error message. */
  readonly maxStderrBytes?: number;
  readonly cwd?: string;
}

/** Runs `file` with `args` (no shell) and resolves when it has exited and its pipes closed. */
export function runBounded(
  file: string,
  args: readonly string[],
  opts: RunOptions,
): Promise<RunResult> {
  const maxStderr = opts.maxStderrBytes ?? 4096;
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let timedOut = false;
    let overflow = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    let settled = false;

    const child = spawn(file, [...args], {
      shell: false,
      cwd: opts.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      // Own process group, so a kill reaches what a script started too
      // (a shell script's `sleep` would otherwise hold the pipes open).
      detached: true,
      env: childEnv(),
    });
    const kill = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // The group is already gone (ESRCH): nothing left to kill.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, opts.timeoutMs);

    child.stdout.on("data", (chunk: Buffer) => {
      if (overflow) return;
      const room = opts.maxStdoutBytes - outLen;
      if (chunk.length > room) {
        out.push(chunk.subarray(0, room));
        outLen += room;
        overflow = true;
        kill();
        return;
      }
      out.push(chunk);
      outLen += chunk.length;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      const room = maxStderr - errLen;
      if (room <= 0) return;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      err.push(part);
      errLen += part.length;
    });

    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        timedOut,
        overflow,
        ...(spawnError ? { spawnError } : {}),
      });
    };
    child.on("error", (e: NodeJS.ErrnoException) => {
      spawnError = e;
      finish(null, null);
    });
    child.on("close", finish);
    // A descendant that left the group can still hold the pipes: once the
    // child itself has exited, wait at most a second for them to close.
    child.on("exit", (code, signal) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, signal);
      }, 1000).unref();
    });
  });
}

/** Used when the agent itself runs without PATH (some init systems). */
const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * The environment of every command the facts collectors run: PATH, HOME, TZ
 * and LC_ALL=C only. Nothing else of the agent's environment (which may hold
 * its token) reaches host tools or custom fact scripts; LC_ALL=C because the
 * output is parsed, not read by people.
 */
export function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? DEFAULT_PATH, LC_ALL: "C" };
  if (process.env.HOME !== undefined) env.HOME = process.env.HOME;
  if (process.env.TZ !== undefined) env.TZ = process.env.TZ;
  return env;
}

/** One line saying why a run failed, or undefined when it exited 0 within its bounds. */
export function runFailure(r: RunResult, opts: RunOptions): string | undefined {
  if (r.spawnError) return `could not start: ${r.spawnError.code ?? r.spawnError.message}`;
  if (r.timedOut) return `timed out after ${opts.timeoutMs} ms`;
  if (r.overflow) return `output exceeded ${opts.maxStdoutBytes} bytes`;
  if (r.signal) return `killed by ${r.signal}`;
  if (r.code !== 0) {
    const detail = r.stderr.trim().split("\n")[0]?.slice(0, 200) ?? "";
    return `exited with code ${r.code}${detail ? `: ${detail}` : ""}`;
  }
  return undefined;
}
