import type { Command } from "commander";
import { runValidate } from "./validate.js";

/** `reddot validate DIR`: checks a config repo; exit 1 on errors. */
export function registerValidateCommand(program: Command): void {
  program
    .command("validate")
    .description("check a config repo and print every error with file:line; exit 1 on errors")
    .argument("<dir>", "config repo directory")
    .action(async (dir: string) => {
      process.exitCode = await runValidate(dir, { stdout: process.stdout, stderr: process.stderr });
    });
}
