/**
 * The agent report as the server validates it (zod), mirroring the wire
 * contract in src/agent/report.ts. Every problem is named by its field path.
 */
import { z } from "zod";
import type { AgentReport } from "../agent/index.js";
import { ReddotError } from "../lib/errors.js";

/** Safe file name and label value for a host: `[A-Za-z0-9._-]{1,253}`, not `.` or `..`. */
export const HOST_NAME_RE = /^[A-Za-z0-9._-]{1,253}$/;

/** True when `host` may name a host (and its facts file). */
export function isSafeHostName(host: string): boolean {
  return HOST_NAME_RE.test(host) && host !== "." && host !== "..";
}

const MAX_TEXT = 64 * 1024;
const hostName = z.string().refine(isSafeHostName, "want [A-Za-z0-9._-]{1,253}, not . or ..");
const time = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const labelName = z
  .string()
  .min(1)
  .max(1024)
  .refine((n) => !n.startsWith("__"), "label names starting with __ are reserved");

const sample = z.strictObject({
  name: z.string().min(1).max(1024),
  labels: z.record(labelName, z.string().max(4096)),
  t: time,
  v: z.number(),
});

const perfDatum = z.strictObject({
  label: z.string().min(1).max(1024),
  value: z.number(),
  uom: z.string().max(32),
  warn: z.string().max(256).optional(),
  crit: z.string().max(256).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

const checkResult = z.strictObject({
  check: z.string().min(1).max(256),
  status: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
  output: z.string().max(MAX_TEXT),
  longOutput: z.string().max(MAX_TEXT),
  perfdata: z.array(perfDatum),
  startedAt: time,
  durationMs: z.number().nonnegative(),
});

/** Fact paths may not walk into object prototypes. */
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);
const factPath = z
  .string()
  .min(1)
  .max(4096)
  .refine(
    (p) => p.split(".").every((s) => s !== "" && !FORBIDDEN_SEGMENTS.has(s)),
    "want dot-separated non-empty keys, none of __proto__, constructor, prototype",
  );
const factChange = z.strictObject({
  path: factPath,
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

const reportSchema = z.strictObject({
  version: z.literal(1),
  host: hostName,
  agentVersion: z.string().max(256),
  sentAt: time,
  runId: z.string().min(1).max(256),
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  samples: z.array(sample),
  checks: z.array(checkResult),
  facts: z
    .union([
      z.strictObject({ full: z.record(z.string(), z.unknown()) }),
      z.strictObject({ changes: z.array(factChange) }),
    ])
    .optional(),
});

/** Validates a parsed JSON body as an AgentReport; throws RD_BAD_AGENT_REPORT naming the field. */
export function parseAgentReport(body: unknown): AgentReport {
  const r = reportSchema.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join(".") : "(report)";
    const more =
      r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problems)` : "";
    throw new ReddotError(
      "RD_BAD_AGENT_REPORT",
      400,
      `invalid agent report: ${where}: ${issue?.message ?? "invalid"}${more}`,
    );
  }
  const report: AgentReport = r.data;
  return report;
}
