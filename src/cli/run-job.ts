import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { constants } from "node:os";
import type { Command } from "commander";
import { readAgentToken } from "./agent.js";

/** Default server when neither --server nor REDDOT_SERVER is given. */
export const DEFAULT_RUN_JOB_SERVER = "http://127.0.0.1:9190";
/** How long one heartbeat report may take before it is given up (the job goes on). */
const REPORT_TIMEOUT_MS = 10_000;
const MAX_MESSAGE_CHARS = 4096;

/** Options of `runJob`. */
export interface RunJobOptions {
  /** Heartbeat job name (heartbeats/*.yaml). */
  readonly name: string;
  /** Base URL of the reddot server. */
  readonly server: string;
  /** Bearer token; undefined: none is sent (a server without tokens accepts loopback clients). */
  readonly token: string | undefined;
  /** The command and its arguments; run without a shell. */
  readonly argv: readonly string[];
  /** Child stdio; default inherited. */
  readonly stdio?: "inherit" | "ignore";
  /** Where problems of reporting go; default process.stderr. */
  readonly warn?: (line: string) => void;
  readonly reportTimeoutMs?: number;
}

/**
 * Reports start, runs the command, reports success (exit 0) or failure with
 * its exit code and duration, and resolves to the exit code to use: the
 * command's, 128+n when killed by signal n, 127 when it cannot be started.
 * A server that cannot be reached is said on stderr and changes nothing else.
 */
export async function runJob(opts: RunJobOptions): Promise<number> {
  const warn = opts.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  const [cmd, ...args] = opts.argv;
  if (cmd === undefined)
    throw new Error("reddot run-job: no command given; usage: reddot run-job NAME -- COMMAND ...");
  const runId = randomUUID();
  const url = `${opts.server.replace(/\/+$/, "")}/api/v1/heartbeat/${encodeURIComponent(opts.name)}`;
  const report = async (body: Record<string, unknown>): Promise<void> => {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(opts.token === undefined ? {} : { authorization: `Bearer ${opts.token}` }),
        },
        body: JSON.stringify({ run_id: runId, ...body }),
        signal: AbortSignal.timeout(opts.reportTimeoutMs ?? REPORT_TIMEOUT_MS),
      });
      if (!res.ok) {
        const text = (await res.text()).slice(0, 500);
        warn(
          `reddot run-job: heartbeat ${body.status} for "${opts.name}" refused by ${opts.server}: ${res.status} ${text}`,
        );
      }
    } catch (e) {
      warn(
        `reddot run-job: cannot report heartbeat ${body.status} to ${opts.server}: ${(e as Error).message}`,
      );
    }
  };

  await report({ status: "start" });
  const started = performance.now();
  const outcome = await new Promise<{ code: number; message?: string }>((resolve) => {
    const child = spawn(cmd, args, { stdio: opts.stdio ?? "inherit", shell: false });
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const onInt = forward("SIGINT");
    const onTerm = forward("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    const done = (r: { code: number; message?: string }) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      resolve(r);
    };
    child.on("error", (e) => done({ code: 127, message: `cannot run ${cmd}: ${e.message}` }));
    child.on("exit", (code, signal) => {
      if (signal !== null)
        done({ code: 128 + (constants.signals[signal] ?? 0), message: `killed by ${signal}` });
      else done({ code: code ?? 1 });
    });
  });
  const durationS = (performance.now() - started) / 1000;
  if (outcome.code === 127 && outcome.message !== undefined)
    warn(`reddot run-job: ${outcome.message}`);
  await report({
    status: outcome.code === 0 ? "success" : "failure",
    exit_code: outcome.code,
    duration: durationS,
    ...(outcome.message === undefined
      ? {}
      : { message: outcome.message.slice(0, MAX_MESSAGE_CHARS) }),
  });
  return outcome.code;
}

/** `reddot run-job NAME [--server URL] [--token-file F] -- COMMAND ARGS...`. */
export function registerRunJobCommand(program: Command): void {
  program
    .command("run-job")
    .description(
      "run a command and report its start, end, exit code and duration as a job heartbeat",
    )
    .argument("<name>", "heartbeat job name (heartbeats/*.yaml)")
    .argument("<command...>", "the command and its arguments, after --")
    .option(
      "--server <url>",
      `reddot server URL (else env REDDOT_SERVER, else ${DEFAULT_RUN_JOB_SERVER})`,
    )
    .option("--token-file <file>", "file holding the token (else env REDDOT_AGENT_TOKEN)")
    .action(
      async (name: string, command: string[], opts: { server?: string; tokenFile?: string }) => {
        let token: string | undefined;
        if (opts.tokenFile !== undefined || (process.env.REDDOT_AGENT_TOKEN ?? "") !== "") {
          try {
            token = readAgentToken(opts.tokenFile, process.env);
          } catch (e) {
            // The job runs regardless; the reports go without a token (and may be refused).
            process.stderr.write(`reddot run-job: ${(e as Error).message}\n`);
          }
        }
        const server = opts.server ?? process.env.REDDOT_SERVER ?? DEFAULT_RUN_JOB_SERVER;
        process.exitCode = await runJob({ name, server, token, argv: command });
      },
    );
}
