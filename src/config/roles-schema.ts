import { z } from "zod";
import { roleNameField } from "./agent-schema.js";
import { checkNameField } from "./checks-schema.js";

/*
 * `roles/*.yaml`: each file holds `roles:`, a list of roles. A role names the
 * checks every host with that role runs (from checks/*.yaml). Role names are
 * unique across all files.
 */

/** One role, parsed. */
export interface RoleConfig {
  readonly name: string;
  readonly description: string;
  /** Names of checks in checks/*.yaml, each once, in the order written. */
  readonly checks: readonly string[];
}

/** Most checks one role lists. */
export const MAX_ROLE_CHECKS = 1000;

/** One role as written. */
export const roleSchema = z
  .strictObject({
    name: roleNameField().describe("Unique name of the role; hosts list it in roles"),
    description: z.string().max(4096).default("").describe("What hosts with this role are"),
    checks: z
      .array(checkNameField())
      .max(MAX_ROLE_CHECKS)
      .default([])
      .describe("Names of checks (checks/*.yaml) every host with this role runs"),
  })
  .describe("A role: the checks of the hosts that have it");

/** Schema of a whole `roles/*.yaml` file, for editors. */
export const rolesFileSchema = z
  .strictObject({ roles: z.array(roleSchema).default([]).describe("Roles") })
  .describe("reddot roles (roles/*.yaml)");

/** First pass over a roles file: each role is then parsed on its own. */
export const rolesFileShallowSchema = z.strictObject({
  roles: z.array(z.unknown()).default([]),
});
