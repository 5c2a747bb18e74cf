/** The shape of one builtin check's implementation file. */
import type { BuiltinCheckSpec } from "../../types.js";
import type { Params } from "./params.js";
import type { Outcome } from "./result.js";

/** What a builtin may use from the agent: a stand-in for /proc (tests) and cancellation. */
export interface BuiltinContext {
  readonly procRoot?: string;
  readonly signal?: AbortSignal;
}

/**
 * One builtin: `parse` reads every param it knows (problems go into `p`; the
 * values returned are only used when there are none), `check` measures.
 * `check` may throw; the registry turns that into UNKNOWN.
 */
export interface BuiltinImpl<P> {
  parse(p: Params): P;
  check(params: P, spec: BuiltinCheckSpec, ctx: BuiltinContext): Promise<Outcome>;
}
