/**
 * The series one agent report becomes. Every sample gets `host`, `instance`
 * (both the report's host) and `job="reddot-agent"`, overwriting any the agent
 * set; check results and the keepalive become reddot_* series. Times are ms.
 */
import type { AgentReport } from "../agent/index.js";
import { type Labels, labelsFromRecord } from "../storage/index.js";

export const AGENT_JOB = "reddot-agent";

export interface FleetSample {
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
}

/** A plain number threshold (`10`, `-1.5`); Nagios ranges (`10:`, `~:10`, `@1:2`) give undefined. */
export function plainThreshold(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

/** All samples to append for `report`, received at `receivedAtMs`. */
export function reportSamples(report: AgentReport, receivedAtMs: number): FleetSample[] {
  const host = report.host;
  const out: FleetSample[] = [];
  for (const s of report.samples) {
    out.push({
      labels: labelsFromRecord({
        ...s.labels,
        __name__: s.name,
        host,
        instance: host,
        job: AGENT_JOB,
      }),
      t: s.t,
      v: s.v,
    });
  }
  const series = (name: string, labels: Record<string, string>) =>
    labelsFromRecord({ ...labels, __name__: name, host });
  for (const c of report.checks) {
    const t = Math.round(c.startedAt + c.durationMs);
    const check = c.check;
    out.push({ labels: series("reddot_check_status", { check }), t, v: c.status });
    out.push({
      labels: series("reddot_check_duration_seconds", { check }),
      t,
      v: c.durationMs / 1000,
    });
    for (const p of c.perfdata) {
      const l = { check, item: p.label, uom: p.uom };
      out.push({ labels: series("reddot_check_perfdata", l), t, v: p.value });
      const warn = plainThreshold(p.warn);
      const crit = plainThreshold(p.crit);
      if (warn !== undefined)
        out.push({ labels: series("reddot_check_perfdata_warn", l), t, v: warn });
      if (crit !== undefined)
        out.push({ labels: series("reddot_check_perfdata_crit", l), t, v: crit });
      if (p.min !== undefined)
        out.push({ labels: series("reddot_check_perfdata_min", l), t, v: p.min });
      if (p.max !== undefined)
        out.push({ labels: series("reddot_check_perfdata_max", l), t, v: p.max });
    }
  }
  out.push({
    labels: series("reddot_agent_last_seen_timestamp", {}),
    t: receivedAtMs,
    v: receivedAtMs / 1000,
  });
  out.push({
    labels: series("reddot_agent_report_samples", {}),
    t: receivedAtMs,
    v: report.samples.length,
  });
  return out;
}
