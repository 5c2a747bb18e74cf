import { readFileSync, statSync } from "node:fs";
import type { Command } from "commander";
import {
  DEFAULT_PLUGIN_DIRS,
  DEFAULT_SPOOL_DIR,
  type RunAgentOptions,
  runAgent,
} from "../agent/index.js";
import { parseDuration } from "../lib/duration.js";

/** Largest token file read. */
const MAX_TOKEN_BYTES = 4096;

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

/** The token from --token-file or REDDOT_AGENT_TOKEN; never from the command line (ps shows it). */
export function readAgentToken(tokenFile: string | undefined, env: NodeJS.ProcessEnv): string {
  let token: string;
  if (tokenFile !== undefined) {
    const raw = readFileSync(tokenFile);
    if (raw.length > MAX_TOKEN_BYTES)
      throw new Error(`token file ${tokenFile} is larger than ${MAX_TOKEN_BYTES} bytes`);
    token = raw.toString("utf8").trim();
  } else {
    token = (env.REDDOT_AGENT_TOKEN ?? "").trim();
  }
  if (token === "") {
    throw new Error("no agent token: pass --token-file FILE or set REDDOT_AGENT_TOKEN");
  }
  return token;
}

/** `reddot agent`: runs the agent until SIGINT or SIGTERM. */
export function registerAgentCommand(program: Command): void {
  program
    .command("agent")
    .description("run the reddot agent: host metrics, checks and facts pushed to a reddot server")
    .requiredOption("--server <url>", "the server's base URL, e.g. https://reddot.example.org:9190")
    .option("--token-file <file>", "file holding the agent token (else env REDDOT_AGENT_TOKEN)")
    .option("--token <token>", "refused: a token on the command line shows in ps")
    .option("--host <name>", "host name to report as (default: the system's host name)")
    .option("--spool <dir>", "spool directory for undelivered reports", DEFAULT_SPOOL_DIR)
    .option(
      "--plugin-dir <dir>",
      `directory of Nagios plugins, repeatable (default ${DEFAULT_PLUGIN_DIRS.join(", ")})`,
      collect,
    )
    .option("--interval <duration>", "host metrics and report interval", "10s")
    .option("--facts-interval <duration>", "facts collection interval", "1h")
    .option("--facts-dir <dir>", "directory of custom fact executables, repeatable", collect)
    .option(
      "--ca-file <file>",
      "PEM CA certificate(s) to trust for an https server, besides the system's",
    )
    .action(
      async (opts: {
        server: string;
        tokenFile?: string;
        token?: string;
        host?: string;
        spool: string;
        pluginDir?: string[];
        interval: string;
        factsInterval: string;
        factsDir?: string[];
        caFile?: string;
      }) => {
        if (opts.token !== undefined) {
          console.error(
            "reddot agent: --token is refused (it would show in ps); use --token-file FILE or env REDDOT_AGENT_TOKEN",
          );
          process.exit(2);
        }
        let agentOpts: Omit<RunAgentOptions, "signal">;
        try {
          agentOpts = {
            server: opts.server,
            token: readAgentToken(opts.tokenFile, process.env),
            host: opts.host,
            spoolDir: opts.spool,
            pluginDirs: opts.pluginDir ?? DEFAULT_PLUGIN_DIRS,
            intervalMs: parseDuration(opts.interval, "--interval"),
            factsIntervalMs: parseDuration(opts.factsInterval, "--facts-interval"),
            customFactDirs: opts.factsDir ?? [],
            ...(opts.caFile === undefined ? {} : { tls: { ca: readCaFile(opts.caFile) } }),
          };
        } catch (e) {
          console.error(`reddot agent: ${e instanceof Error ? e.message : String(e)}`);
          process.exit(2);
        }
        // Facts and plugins run with their own minimal environment; drop the token from ours too.
        delete process.env.REDDOT_AGENT_TOKEN;
        const ac = new AbortController();
        const stop = (signal: string) => {
          if (ac.signal.aborted) return;
          process.stderr.write(`reddot agent: ${signal} received, stopping\n`);
          ac.abort();
        };
        process.on("SIGINT", () => stop("SIGINT"));
        process.on("SIGTERM", () => stop("SIGTERM"));
        await runAgent({ ...agentOpts, signal: ac.signal });
        process.exit(0);
      },
    );
}

/** The PEM text of --ca-file; refuses a file that holds no certificate, and any big file. */
export function readCaFile(path: string): string {
  let text: string;
  try {
    if (statSync(path).size > 1024 * 1024) throw new Error("larger than 1 MiB");
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`--ca-file ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new Error(`--ca-file ${path}: no PEM certificate (-----BEGIN CERTIFICATE-----) in it`);
  }
  return text;
}
