/**
 * The report an agent pushes to the server (`POST /api/v1/agent/report`,
 * gzipped JSON, `Authorization: Bearer <token>`), and the check list it
 * fetches (`GET /api/v1/agent/checks?host=NAME`). Wire format:
 * docs/formats/agent-report.md.
 */
import type { AgentSample, CheckResult, CheckSpec, FactChange, Facts } from "./types.js";

export const REPORT_VERSION = 1;

export interface AgentReport {
  readonly version: typeof REPORT_VERSION;
  /** The host's name (the agent's --host, default os.hostname()). */
  readonly host: string;
  readonly agentVersion: string;
  /** When the agent built this report (ms since epoch). */
  readonly sentAt: number;
  /**
   * Identifies the agent run and the report within it, so the server can
   * drop a report delivered twice (delivery is at least once).
   */
  readonly runId: string;
  readonly seq: number;
  /** Host metrics (node_exporter names) and any other samples. */
  readonly samples: readonly AgentSample[];
  /** Check runs finished since the previous report. */
  readonly checks: readonly CheckResult[];
  /** The whole fact document (first report of a run) or the changes since the last one sent. */
  readonly facts?: { readonly full: Facts } | { readonly changes: readonly FactChange[] };
}

/** The answer of `GET /api/v1/agent/checks?host=NAME`. */
export interface AgentChecksAnswer {
  readonly host: string;
  /** The host's roles, from hosts/*.yaml or the default roles. */
  readonly roles: readonly string[];
  readonly checks: readonly CheckSpec[];
}
