import type { Command } from "commander";
import { formatConfigIssues, isConfigError } from "../config/index.js";
import { isReddotError } from "../lib/errors.js";
import { startServer } from "../main.js";

/** `reddot server`: runs the server until SIGINT or SIGTERM. */
export function registerServerCommand(program: Command): void {
  program
    .command("server")
    .description(
      "run the reddot server (store, scrape, API) on a config repo or the embedded defaults",
    )
    .option(
      "--config <dir>",
      "config repo directory (reddot.yaml, scrape/, ...); embedded defaults when absent",
    )
    .option(
      "--listen <host:port>",
      "address to listen on (overrides reddot.yaml listen; default 127.0.0.1:9190)",
    )
    .option("--data <dir>", "data directory (overrides reddot.yaml data_dir; default ./data)")
    .option("--no-agent", "do not start the local agent")
    .action(async (opts: { config?: string; listen?: string; data?: string; agent: boolean }) => {
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        server = await startServer({
          configDir: opts.config,
          listen: opts.listen,
          dataDir: opts.data,
          agent: opts.agent,
        });
      } catch (e) {
        if (isConfigError(e)) {
          console.error(formatConfigIssues(e.issues));
          console.error(
            "reddot: the config has errors; fix them (check with `reddot validate DIR`) and start again",
          );
          process.exit(1);
        }
        if (isReddotError(e)) {
          console.error(`reddot: ${e.message}`);
          process.exit(1);
        }
        throw e;
      }
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`reddot: ${signal} received, shutting down\n`);
        server.close().then(
          () => process.exit(0),
          (err: unknown) => {
            console.error(`reddot: shutdown failed: ${String(err)}`);
            process.exit(1);
          },
        );
      };
      // SIGHUP reloads the config repo, as Prometheus does.
      process.on("SIGHUP", () => {
        server.reload().then(
          ({ restartNeeded }) => {
            process.stderr.write("reddot: config reloaded\n");
            if (restartNeeded.length > 0) {
              process.stderr.write(
                `reddot: ${restartNeeded.join(", ")} changed: restart to apply\n`,
              );
            }
          },
          (err: unknown) => {
            if (isConfigError(err)) console.error(formatConfigIssues(err.issues));
            console.error(
              `reddot: reload failed, the running config stays: ${err instanceof Error ? err.message : String(err)}`,
            );
          },
        );
      });
      process.on("SIGINT", () => stop("SIGINT"));
      process.on("SIGTERM", () => stop("SIGTERM"));
    });
}
