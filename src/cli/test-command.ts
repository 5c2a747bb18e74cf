import type { Command } from "commander";
import { registerTestRoutesCommand } from "./test-routes.js";
import { registerTestRulesCommand } from "./test-rules.js";

/**
 * `reddot test ...`: checks of the config repo against example input. Each
 * subcommand registers itself on the group: one line here per subcommand.
 */
export function registerTestCommand(program: Command): void {
  const test = program
    .command("test")
    .description("try the config repo on example input (routes: where an alert would go)");
  registerTestRoutesCommand(test);
  registerTestRulesCommand(test);
}
