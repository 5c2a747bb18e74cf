import { z } from "zod";
import {
  BUILTIN_CHECKS,
  type BuiltinCheckName,
  type CheckSpec,
  pluginCommandProblem,
} from "../agent/index.js";
import { formatDuration } from "../lib/duration.js";
import { MAX_NAME_LENGTH } from "./agent-schema.js";
import { durationField } from "./fields.js";
import type { KeyPath } from "./issues.js";

/*
 * `checks/*.yaml`: each file holds `checks:`, a list of check definitions. A
 * check is either a builtin of the agent (`builtin:` + `params:`) or a
 * Nagios-compatible plugin (`command:` + `args:`), found by file name in the
 * agent's plugin directories. Names are unique across all files; roles list
 * them by name.
 */

/** Check names: they become the `check` label of results. */
export const CHECK_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;
/** Most arguments of a plugin check, and the longest one. */
export const MAX_PLUGIN_ARGS = 64;
export const MAX_PLUGIN_ARG_LENGTH = 4096;
/** Shortest check interval. */
export const MIN_CHECK_INTERVAL_MS = 1000;

const BUILTIN_NAMES = [...BUILTIN_CHECKS.keys()] as [BuiltinCheckName, ...BuiltinCheckName[]];

/** A check name (`root_disk`, `http:api`). */
export function checkNameField() {
  return z
    .string()
    .max(MAX_NAME_LENGTH)
    .refine((s) => CHECK_NAME_RE.test(s), {
      error: (iss) => `${JSON.stringify(iss.input)} is not a valid check name`,
      params: {
        hint: "check names are letters, digits, _, ., : and -, not starting with . : or -",
      },
    });
}

/** One check as written (snake_case). */
export const checkSchema = z
  .strictObject({
    name: checkNameField().describe("Unique name of the check; the check label of its results"),
    interval: durationField({ min: MIN_CHECK_INTERVAL_MS })
      .prefault("1m")
      .describe("How often the agent runs it"),
    timeout: durationField({ min: 1 })
      .prefault("10s")
      .describe("How long one run may take before it is UNKNOWN; at most interval"),
    builtin: z
      .enum(BUILTIN_NAMES)
      .optional()
      .describe("A check built into the agent; its settings go in params"),
    params: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("Settings of the builtin check (see docs/config.md, checks/*.yaml)"),
    command: z
      .string()
      .optional()
      .describe("File name of a Nagios-compatible plugin in the agent's plugin directories"),
    args: z
      .array(z.string().max(MAX_PLUGIN_ARG_LENGTH))
      .max(MAX_PLUGIN_ARGS)
      .optional()
      .describe("Arguments of the plugin, passed as they are (no shell)"),
  })
  .describe("A check: builtin with params, or command with args");

export type ParsedCheck = z.output<typeof checkSchema>;

/** Schema of a whole `checks/*.yaml` file, for editors. Loading parses check by check instead. */
export const checksFileSchema = z
  .strictObject({
    checks: z.array(checkSchema).default([]).describe("Check definitions"),
  })
  .describe("reddot check definitions (checks/*.yaml)");

/** First pass over a checks file: each check is then parsed on its own. */
export const checksFileShallowSchema = z.strictObject({
  checks: z.array(z.unknown()).default([]),
});

/** A problem with a check, at a path relative to the check. */
export interface CheckIssue {
  readonly path: KeyPath;
  readonly message: string;
  readonly hint?: string;
}

/** `warn[0]` → ["warn", 0]; `mountpoints` → ["mountpoints"]. */
function paramPath(name: string): KeyPath {
  const m = /^([^[\]]+)\[(\d+)\]$/.exec(name);
  return m === null ? [name] : [m[1], Number(m[2])];
}

/**
 * Checks what the schema cannot (one of builtin/command, the builtin's own
 * params, the plugin's file name, timeout within interval) and converts the
 * check to the agent's CheckSpec (durations in ms).
 */
export function resolveCheck(c: ParsedCheck): { spec?: CheckSpec; issues: CheckIssue[] } {
  const issues: CheckIssue[] = [];
  if (c.timeout > c.interval) {
    issues.push({
      path: ["timeout"],
      message: `${formatDuration(c.timeout)} is longer than interval ${formatDuration(c.interval)}`,
      hint: "a run must end before the next starts: lower timeout or raise interval",
    });
  }
  const common = { name: c.name, intervalMs: c.interval, timeoutMs: c.timeout };
  if (c.builtin !== undefined && c.command !== undefined) {
    issues.push({
      path: ["command"],
      message: "a check has either builtin or command, not both",
      hint: "split it into two checks",
    });
    return { issues };
  }
  if (c.builtin !== undefined) {
    if (c.args !== undefined) {
      issues.push({
        path: ["args"],
        message: "args are for plugin checks (command)",
        hint: "a builtin check takes its settings in params",
      });
    }
    const params = c.params ?? {};
    const check = BUILTIN_CHECKS.get(c.builtin);
    for (const problem of check?.validate(params) ?? []) {
      const colon = problem.indexOf(": ");
      const name = colon < 0 ? "" : problem.slice(0, colon);
      const message = colon < 0 ? problem : problem.slice(colon + 2);
      issues.push({ path: name === "" ? ["params"] : ["params", ...paramPath(name)], message });
    }
    if (issues.length > 0) return { issues };
    return { spec: { kind: "builtin", ...common, builtin: c.builtin, params }, issues };
  }
  if (c.command !== undefined) {
    if (c.params !== undefined) {
      issues.push({
        path: ["params"],
        message: "params are for builtin checks",
        hint: "a plugin check takes its arguments in args",
      });
    }
    const problem = pluginCommandProblem(c.command);
    if (problem !== undefined) {
      issues.push({
        path: ["command"],
        message: problem,
        hint: "put the plugin in one of the agent's plugin directories and name it by its file name",
      });
    }
    if (issues.length > 0) return { issues };
    return { spec: { kind: "plugin", ...common, command: c.command, args: c.args ?? [] }, issues };
  }
  issues.push({
    path: [],
    message: "a check needs builtin or command",
    hint: `builtins: ${BUILTIN_NAMES.join(", ")}; or command: a plugin's file name`,
  });
  return { issues };
}
