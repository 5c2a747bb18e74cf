#!/usr/bin/env node
/**
 * The `reddot` command. One file per verb; this file only wires them into
 * commander and maps failures to exit codes.
 *
 * Each verb's module is loaded only when needed: `reddot agent ...` loads
 * the agent's code and not the server's (fastify, the tsdb, PromQL, kysely,
 * nodemailer), which keeps the long-running agent small. When the first
 * argument names a command, only that command is registered (its own help
 * and flags are unchanged); otherwise (`reddot help`, `--help`, `-V`, an
 * unknown word) every command is, so the command list reads as before.
 */
import { Command } from "commander";
import { packageVersion } from "../lib/version.js";

type Register = (program: Command) => void;

/** Command name to its registrar, in the order `reddot help` lists them. */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ["server", async () => (await import("./server.js")).registerServerCommand],
  ["validate", async () => (await import("./validate-command.js")).registerValidateCommand],
  ["query", async () => (await import("./query.js")).registerQueryCommand],
  ["promqltest", async () => (await import("./promqltest.js")).registerPromqltestCommand],
  ["agent", async () => (await import("./agent.js")).registerAgentCommand],
  ["test", async () => (await import("./test-command.js")).registerTestCommand],
  ["silence", async () => (await import("./silence.js")).registerSilenceCommand],
  ["run-job", async () => (await import("./run-job.js")).registerRunJobCommand],
];

async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name("reddot")
    .description("Self-hosted monitoring and oversight for fleets of servers, configured as code.")
    .version(packageVersion(), "-V, --version", "print the version and exit")
    .showHelpAfterError("(run `reddot help` for the list of commands)");

  const first = argv[2];
  const only = COMMANDS.find(([name]) => name === first);
  const wanted = only === undefined ? COMMANDS : [only];
  const registrars = await Promise.all(wanted.map(([, load]) => load()));
  for (const register of registrars) register(program);

  await program.parseAsync(argv);
}

main(process.argv).catch((e: unknown) => {
  console.error(`reddot: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
