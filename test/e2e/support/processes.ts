import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** Repository root (tests run from it). */
export const ROOT = resolve(import.meta.dirname, "../../..");

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/** A fresh temporary directory, removed by `cleanup`. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A process started by a test, with its output kept for failure messages. */
export interface TestProcess {
  readonly child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Every child still running, killed when the test worker exits however it exits. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of running) c.kill("SIGKILL");
});

/** Starts a command; output is captured, never inherited. */
export function startProcess(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): TestProcess {
  const child = spawn(cmd, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let out = "";
  const keep = (b: Buffer) => {
    out += b.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  running.add(child);
  const exited = new Promise<void>((res) =>
    child.once("exit", () => {
      running.delete(child);
      res();
    }),
  );
  return {
    child,
    output: () => out,
    stop: async (signal: NodeJS.Signals = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers 200, or throws with the process output after `timeoutMs`. */
export async function waitReady(url: string, proc: TestProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`process exited early:\n${proc.output()}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms:\n${proc.output()}`);
}

/** Polls `check` until it returns a value, or throws after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Starts a built reddot server on a free port (or `opts.port`, for a restart) with a fresh data dir. */
export async function startReddot(
  extraArgs: string[] = [],
  dataDir = tempDir("reddot-e2e-"),
  opts: { agent?: boolean; port?: number } = {},
) {
  const port = opts.port ?? (await freePort());
  const main = join(ROOT, "dist/src/cli/main.js");
  if (!existsSync(main))
    throw new Error(`${main} missing: run npm run build first (npm run test:e2e does)`);
  const proc = startProcess(process.execPath, [
    main,
    "server",
    "--listen",
    `127.0.0.1:${port}`,
    "--data",
    dataDir,
    ...(opts.agent === true ? [] : ["--no-agent"]),
    ...extraArgs,
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/-/ready`, proc);
  return { proc, url, port, dataDir };
}

/** True when a Debian binary the e2e tests need is installed. */
export function hasBinary(path: string): boolean {
  return existsSync(path);
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
