import type { CheckSpec } from "../agent/index.js";
import type { LoadedConfig } from "./loader.js";

/** What checksForHost needs of a loaded config. */
export type HostChecksConfig = Pick<LoadedConfig, "server" | "checks" | "roles" | "hosts">;

/**
 * The roles and checks of `host`: its roles from hosts/*.yaml, or
 * reddot.yaml `agents.default_roles` when it is not declared (host names
 * match exactly). Checks are the union of the roles' checks in role order,
 * then the order each role lists them, each check once. A role or check the
 * config does not define is skipped (a loaded config has none).
 */
export function checksForHost(
  config: HostChecksConfig,
  host: string,
): { roles: string[]; checks: CheckSpec[] } {
  const declared = config.hosts.find((h) => h.name === host);
  const roles = [...(declared?.roles ?? config.server.agents.defaultRoles)];
  const roleByName = new Map(config.roles.map((r) => [r.name, r]));
  const checkByName = new Map(config.checks.map((c) => [c.name, c]));
  const seen = new Set<string>();
  const checks: CheckSpec[] = [];
  for (const role of roles) {
    for (const name of roleByName.get(role)?.checks ?? []) {
      const spec = checkByName.get(name);
      if (spec === undefined || seen.has(name)) continue;
      seen.add(name);
      checks.push(spec);
    }
  }
  return { roles, checks };
}
