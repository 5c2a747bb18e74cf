/** Shared by this folder's tests: a spec for a builtin and a run through the registry. */
import type { BuiltinCheckName, BuiltinCheckSpec, CheckResult } from "../../types.js";
import { BUILTIN_CHECKS, type BuiltinContext } from "./index.js";

export function spec(
  builtin: BuiltinCheckName,
  params: Record<string, unknown>,
  timeoutMs = 10_000,
): BuiltinCheckSpec {
  return {
    kind: "builtin",
    name: `test_${builtin}`,
    builtin,
    params,
    intervalMs: 60_000,
    timeoutMs,
  };
}

export function runBuiltin(
  builtin: BuiltinCheckName,
  params: Record<string, unknown>,
  ctx: BuiltinContext = {},
  timeoutMs?: number,
): Promise<CheckResult> {
  const check = BUILTIN_CHECKS.get(builtin);
  if (check === undefined) throw new Error(`no builtin ${builtin}`);
  return check.run(spec(builtin, params, timeoutMs), ctx);
}

export function validate(builtin: BuiltinCheckName, params: Record<string, unknown>): string[] {
  const check = BUILTIN_CHECKS.get(builtin);
  if (check === undefined) throw new Error(`no builtin ${builtin}`);
  return check.validate(params);
}
