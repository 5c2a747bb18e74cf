/**
 * Fetches the agent's check list from the server
 * (`GET {server}/api/v1/agent/checks?host=NAME`, bearer token) and checks its
 * shape: a check the agent cannot understand is left out (and logged), never
 * run. The answer's size is bounded.
 */
import type { AgentChecksAnswer } from "./report.js";
import { type AgentFetch, type AgentResponse, agentFetch } from "./transport/tls-fetch.js";
import type { CheckSpec } from "./types.js";

/** Largest answer read (bytes). */
export const MAX_CHECKS_ANSWER_BYTES = 4 * 1024 * 1024;
/** Most checks one host runs. */
export const MAX_CHECKS = 2000;

export type FetchChecksResult =
  | { readonly ok: true; readonly checks: CheckSpec[]; readonly skipped: string[] }
  | { readonly ok: false; readonly error: string };

export async function fetchChecks(opts: {
  readonly server: string;
  readonly token: string;
  readonly host: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** HTTP client; agentFetch() by default (node:http(s), no undici). */
  readonly fetchImpl?: AgentFetch;
}): Promise<FetchChecksResult> {
  const url = `${opts.server}/api/v1/agent/checks?host=${encodeURIComponent(opts.host)}`;
  let res: AgentResponse;
  try {
    res = await (opts.fetchImpl ?? agentFetch())(url, {
      headers: { authorization: `Bearer ${opts.token}`, accept: "application/json" },
      signal: AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]),
      redirect: "manual",
    });
  } catch (e) {
    return { ok: false, error: `cannot reach the server: ${causeOf(e)}` };
  }
  let text: string;
  try {
    text = await readBounded(res, MAX_CHECKS_ANSWER_BYTES);
  } catch (e) {
    return { ok: false, error: `reading the check list: ${causeOf(e)}` };
  }
  if (res.status !== 200) {
    return { ok: false, error: `server answered ${res.status}: ${text.slice(0, 300)}` };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, error: "the check list is not JSON" };
  }
  return parseChecksAnswer(body);
}

/** Keeps the checks whose shape is right; names the others. */
export function parseChecksAnswer(body: unknown): FetchChecksResult {
  if (!isObject(body) || !Array.isArray((body as { checks?: unknown }).checks)) {
    return { ok: false, error: "the check list has no `checks` array" };
  }
  const raw = (body as unknown as AgentChecksAnswer).checks as unknown[];
  const checks: CheckSpec[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  for (const [i, c] of raw.entries()) {
    const problem = specProblem(c);
    const name = isObject(c) && typeof c.name === "string" ? c.name : `#${i}`;
    if (problem !== undefined) skipped.push(`${name}: ${problem}`);
    else if (seen.has(name)) skipped.push(`${name}: duplicate name`);
    else if (checks.length >= MAX_CHECKS) skipped.push(`${name}: more than ${MAX_CHECKS} checks`);
    else {
      seen.add(name);
      checks.push(c as CheckSpec);
    }
  }
  return { ok: true, checks, skipped };
}

function specProblem(c: unknown): string | undefined {
  if (!isObject(c)) return "not an object";
  if (typeof c.name !== "string" || c.name === "" || c.name.length > 200) return "bad name";
  if (!(typeof c.intervalMs === "number" && c.intervalMs > 0)) return "bad intervalMs";
  if (!(typeof c.timeoutMs === "number" && c.timeoutMs > 0)) return "bad timeoutMs";
  if (c.kind === "plugin") {
    if (typeof c.command !== "string") return "plugin without command";
    if (!Array.isArray(c.args) || !c.args.every((a) => typeof a === "string")) {
      return "plugin args are not strings";
    }
    return undefined;
  }
  if (c.kind === "builtin") {
    if (typeof c.builtin !== "string") return "builtin without name";
    if (!isObject(c.params)) return "builtin params are not an object";
    return undefined;
  }
  return `unknown kind ${JSON.stringify(c.kind)}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

async function readBounded(res: AgentResponse, max: number): Promise<string> {
  if (res.body === null) return "";
  const chunks: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of res.body) {
    n += chunk.byteLength;
    if (n > max) throw new Error(`answer larger than ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function causeOf(e: unknown): string {
  if (e instanceof Error) {
    const c = (e as { cause?: unknown }).cause;
    return c instanceof Error ? `${e.message} (${c.message})` : e.message;
  }
  return String(e);
}
