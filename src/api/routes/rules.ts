import type { FastifyInstance } from "fastify";
import { ReddotError } from "../../lib/errors.js";
import { exprToString, parseSeriesSelector } from "../../promql/index.js";
import { type Alert, AlertingRule, type RuleEntry, type RuleGroup } from "../../rules/index.js";
import type { Matcher } from "../../storage/index.js";
import { collectParams } from "../params.js";
import type { ApiDeps } from "../server.js";

/** What the rules API reads: a RuleManager. */
export interface RulesApi {
  groups(): readonly RuleGroup[];
}

/** Most match[] selectors one request may give. */
const MAX_MATCHERS = 100;
/** Go's zero time, which Prometheus shows for a rule never evaluated. */
const ZERO_TIME = "0001-01-01T00:00:00Z";

/** GET /api/v1/rules and /api/v1/alerts, in Prometheus's JSON shape (web/api/v1/api.go). */
export function registerRulesRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get("/api/v1/alerts", async () => {
    const alerts = [];
    for (const g of deps.rules?.groups() ?? []) {
      for (const r of g.rules) if (r.rule instanceof AlertingRule) alerts.push(...activeAlerts(r));
    }
    return { status: "success", data: { alerts } };
  });

  app.get("/api/v1/rules", async (req) => {
    const p = collectParams(req.query, undefined);
    const type = p.get("type")?.[0] ?? "";
    if (type !== "" && type !== "alert" && type !== "record") {
      throw badParam(`invalid parameter "type": not supported value ${JSON.stringify(type)}`);
    }
    const excludeAlerts = parseBool(p.get("exclude_alerts")?.[0] ?? "false");
    const names = new Set(p.get("rule_name[]") ?? []);
    const groupNames = new Set(p.get("rule_group[]") ?? []);
    const files = new Set(p.get("file[]") ?? []);
    const selectors = matchers(p.get("match[]") ?? []);
    const groups = [];
    for (const g of deps.rules?.groups() ?? []) {
      if (groupNames.size > 0 && !groupNames.has(g.config.name)) continue;
      if (files.size > 0 && !files.has(g.config.file)) continue;
      const rules = [];
      for (const r of g.rules) {
        const alerting = r.rule instanceof AlertingRule;
        if (type === "alert" && !alerting) continue;
        if (type === "record" && alerting) continue;
        if (names.size > 0 && !names.has(r.rule.config.name)) continue;
        if (!matchesAny(selectors, r.rule.config.labels)) continue;
        rules.push(ruleJson(r, excludeAlerts));
      }
      // Prometheus drops groups left empty by a filter other than the group filters.
      if (rules.length === 0 && (type !== "" || names.size > 0 || selectors.length > 0)) continue;
      groups.push({
        name: g.config.name,
        file: g.config.file,
        rules,
        interval: g.interval / 1000,
        limit: g.config.limit,
        evaluationTime: g.evaluationTime / 1000,
        lastEvaluation: timeText(g.lastEvaluation),
      });
    }
    return { status: "success", data: { groups } };
  });
}

function ruleJson(r: RuleEntry, excludeAlerts: boolean) {
  const c = r.rule.config;
  const common = {
    name: c.name,
    query: exprToString(r.rule.expr),
    labels: c.labels,
    health: r.health,
    lastError: r.lastError ?? "",
    evaluationTime: r.evaluationTime / 1000,
    lastEvaluation: timeText(r.lastEvaluation),
  };
  if (!(r.rule instanceof AlertingRule)) return { ...common, type: "recording" };
  // The rule's state from its alerts; their JSON only when it is asked for.
  let firing = false;
  let pending = false;
  for (const a of r.rule.active.values()) {
    if (a.state === "firing") firing = true;
    else if (a.state === "pending") pending = true;
  }
  const state = firing ? "firing" : pending ? "pending" : "inactive";
  return {
    state,
    name: c.name,
    query: common.query,
    duration: c.for / 1000,
    keepFiringFor: c.keepFiringFor / 1000,
    labels: c.labels,
    annotations: c.annotations,
    ...(excludeAlerts ? {} : { alerts: activeAlerts(r) }),
    health: common.health,
    lastError: common.lastError,
    evaluationTime: common.evaluationTime,
    lastEvaluation: common.lastEvaluation,
    type: "alerting",
  };
}

/** Pending and firing alerts of a rule (resolved ones kept for sending are not shown). */
function activeAlerts(r: RuleEntry) {
  if (!(r.rule instanceof AlertingRule)) return [];
  return [...r.rule.active.values()].filter((a) => a.state !== "inactive").map(alertJson);
}

function alertJson(a: Alert) {
  return {
    labels: a.labels,
    annotations: a.annotations,
    state: a.state,
    activeAt: new Date(a.activeAt).toISOString(),
    ...(a.keepFiringSince !== undefined
      ? { keepFiringSince: new Date(a.keepFiringSince).toISOString() }
      : {}),
    value: formatFloatE(a.value),
  };
}

function timeText(ms: number | undefined): string {
  return ms === undefined ? ZERO_TIME : new Date(ms).toISOString();
}

/** Go's strconv.FormatFloat(v, 'e', -1, 64), which Prometheus uses for alert values. */
export function formatFloatE(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  const [mant, exp] = v.toExponential().split("e") as [string, string];
  const sign = exp.startsWith("-") ? "-" : "+";
  const digits = exp.replace(/^[+-]/, "");
  return `${mant}e${sign}${digits.padStart(2, "0")}`;
}

function parseBool(raw: string): boolean {
  // Go's strconv.ParseBool.
  if (["1", "t", "T", "TRUE", "true", "True"].includes(raw)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(raw)) return false;
  throw badParam(`invalid parameter "exclude_alerts": ${JSON.stringify(raw)} is not a boolean`);
}

function matchers(raw: readonly string[]): Matcher[][] {
  if (raw.length > MAX_MATCHERS) throw badParam(`at most ${MAX_MATCHERS} match[] selectors`);
  return raw.map((s) => {
    try {
      return parseSeriesSelector(s);
    } catch (e) {
      throw badParam(`invalid parameter "match[]": ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}

/** Rule labels match when some selector's matchers all match (Prometheus matches rule labels). */
function matchesAny(selectors: readonly Matcher[][], labels: Readonly<Record<string, string>>) {
  if (selectors.length === 0) return true;
  return selectors.some((ms) => ms.every((m) => m.matches(labels[m.name] ?? "")));
}

function badParam(message: string): ReddotError {
  return new ReddotError("RD_BAD_PARAM", 400, message);
}
