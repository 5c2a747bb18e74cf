#!/usr/bin/env node
/**
 * The `reddot` command. One file per verb; this file only wires them into
 * commander and maps failures to exit codes.
 */
import { Command } from "commander";
import { packageVersion } from "../lib/version.js";
import { registerAgentCommand } from "./agent.js";
import { registerPromqltestCommand } from "./promqltest.js";
import { registerQueryCommand } from "./query.js";
import { registerRunJobCommand } from "./run-job.js";
import { registerServerCommand } from "./server.js";
import { registerSilenceCommand } from "./silence.js";
import { registerTestCommand } from "./test-command.js";
import { registerValidateCommand } from "./validate-command.js";

const program = new Command();
program
  .name("reddot")
  .description("Self-hosted monitoring and oversight for fleets of servers, configured as code.")
  .version(packageVersion(), "-V, --version", "print the version and exit")
  .showHelpAfterError("(run `reddot help` for the list of commands)");

registerServerCommand(program);
registerValidateCommand(program);
registerQueryCommand(program);
registerPromqltestCommand(program);
registerAgentCommand(program);
registerTestCommand(program);
registerSilenceCommand(program);
registerRunJobCommand(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`reddot: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
