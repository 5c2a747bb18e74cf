import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { ReddotError } from "../../lib/errors.js";
import {
  type Alert,
  type AlertWithStatus,
  type Matcher,
  matchesLabels,
  matchesValue,
  newMatcher,
  parseMatchers,
} from "../../notify/index.js";
import { collectParams } from "../params.js";
import type { ApiDeps } from "../server.js";
import { checkWriteAccess } from "../write-access.js";

/** What the Alertmanager-compatible alerts API needs: the Notifier. */
export interface NotifyAlertsApi {
  alerts(): AlertWithStatus[];
  groups(): {
    receiver: string;
    groupKey: string;
    labels: Record<string, string>;
    fingerprints: string[];
  }[];
  receive(alerts: readonly Alert[]): void;
}

/** Largest POST /api/v2/alerts body. */
export const MAX_ALERTS_BODY_BYTES = 4 << 20;
/** Most alerts one POST may carry (Prometheus batches 64 by default). */
export const MAX_POSTED_ALERTS = 1000;
const MAX_FILTERS = 100;
const MAX_TEXT = 16 * 1024;
/** 0001-01-01T00:00:00Z, Go's zero time. */
const GO_ZERO_TIME = -62_135_596_800_000;

const timeString = z
  .string()
  .max(64)
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === "") return 0;
    const ms = Date.parse(v);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: "custom", message: `${JSON.stringify(v)} is not an RFC 3339 time` });
      return z.NEVER;
    }
    // Go's zero time means "unset", as in Alertmanager.
    return ms <= GO_ZERO_TIME ? 0 : ms;
  });

const labelSet = z.record(
  z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "invalid label name")
    .max(1024),
  z.string().max(MAX_TEXT),
);

/** Alertmanager's PostableAlert. */
const postableAlert = z.object({
  labels: labelSet.refine((l) => Object.keys(l).length > 0, "at least one label is required"),
  annotations: z.record(z.string().max(1024), z.string().max(MAX_TEXT)).optional(),
  startsAt: timeString,
  endsAt: timeString,
  generatorURL: z.string().max(4096).optional(),
});
const postableAlerts = z.array(postableAlert).max(MAX_POSTED_ALERTS);

/** As silence writes: see write-access.ts. */
function checkWrite(req: FastifyRequest, deps: ApiDeps): void {
  checkWriteAccess({
    authorization: req.headers.authorization,
    remoteAddress: req.socket.remoteAddress,
    hashes: deps.writeTokenHashes?.() ?? new Set<string>(),
    code: "RD_ALERTS_UNAUTHORIZED",
    what: "posting alerts",
  });
}

function boolParam(p: Map<string, string[]>, name: string): boolean {
  const v = p.get(name)?.[0];
  if (v === undefined || v === "true") return true;
  if (v === "false") return false;
  throw new ReddotError(
    "RD_BAD_PARAM",
    400,
    `invalid parameter "${name}": want true or false, got ${JSON.stringify(v.slice(0, 40))}`,
  );
}

interface AlertFilter {
  active: boolean;
  silenced: boolean;
  inhibited: boolean;
  unprocessed: boolean;
  matchers: Matcher[];
  receiver?: Matcher;
}

function alertFilter(query: unknown): AlertFilter {
  const p = collectParams(query, undefined);
  const texts = p.get("filter") ?? [];
  if (texts.length > MAX_FILTERS) {
    throw new ReddotError("RD_BAD_PARAM", 400, `at most ${MAX_FILTERS} filter parameters`);
  }
  const receiver = p.get("receiver")?.[0];
  return {
    active: boolParam(p, "active"),
    silenced: boolParam(p, "silenced"),
    inhibited: boolParam(p, "inhibited"),
    unprocessed: boolParam(p, "unprocessed"),
    matchers: texts.flatMap((t) => parseMatchers(t)),
    ...(receiver === undefined || receiver === ""
      ? {}
      : { receiver: newMatcher("receiver", "=~", receiver) }),
  };
}

/** Alertmanager's alertFilter (api/v2/api.go). */
function keep(a: AlertWithStatus, f: AlertFilter): boolean {
  if (
    f.receiver !== undefined &&
    !a.receivers.some((r) => matchesValue(f.receiver as Matcher, r))
  ) {
    return false;
  }
  if (!matchesLabels(f.matchers, a.labels)) return false;
  const s = a.status;
  if (!f.active && s.state === "active") return false;
  if (!f.unprocessed && s.state === "unprocessed") return false;
  if (!f.silenced && s.silencedBy.length > 0) return false;
  if (!f.inhibited && s.inhibitedBy.length > 0) return false;
  return true;
}

/** Alertmanager's GettableAlert. */
export function gettableAlert(a: AlertWithStatus) {
  return {
    labels: a.labels,
    annotations: a.annotations,
    startsAt: new Date(a.startsAt).toISOString(),
    endsAt: new Date(a.endsAt).toISOString(),
    updatedAt: new Date(a.updatedAt).toISOString(),
    generatorURL: a.generatorURL,
    fingerprint: a.fingerprint,
    receivers: a.receivers.map((name) => ({ name })),
    status: a.status,
  };
}

/**
 * GET/POST /api/v2/alerts and GET /api/v2/alerts/groups in Alertmanager's API
 * v2 shape, when the server has a notifier (absent: 404). POST takes
 * Prometheus's alerts, so Prometheus servers can send to reddot.
 */
export function registerNotifyAlertRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const notifier = deps.notifier;
  if (notifier === undefined) return;

  app.get("/api/v2/alerts", async (req) => {
    const f = alertFilter(req.query);
    return notifier
      .alerts()
      .filter((a) => keep(a, f))
      .map(gettableAlert);
  });

  app.get("/api/v2/alerts/groups", async (req) => {
    const f = alertFilter(req.query);
    const byFp = new Map(notifier.alerts().map((a) => [a.fingerprint, a]));
    const out = [];
    for (const g of notifier.groups()) {
      const alerts = g.fingerprints
        .map((fp) => byFp.get(fp))
        .filter((a): a is AlertWithStatus => a !== undefined && keep(a, f))
        .map(gettableAlert);
      if (alerts.length > 0) out.push({ labels: g.labels, receiver: { name: g.receiver }, alerts });
    }
    return out;
  });

  app.post("/api/v2/alerts", { bodyLimit: MAX_ALERTS_BODY_BYTES }, async (req, reply) => {
    checkWrite(req, deps);
    const parsed = postableAlerts.safeParse(req.body);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 10).map((i) => {
        const field = i.path
          .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
          .join("");
        return `alerts${field}: ${i.message}`;
      });
      throw new ReddotError("RD_ALERTS_INVALID", 400, issues.join("; "));
    }
    const now = Date.now();
    const alerts: Alert[] = parsed.data.map((a) => {
      // As Alertmanager: no start means now (or the end, when only that is given).
      const startsAt = a.startsAt !== 0 ? a.startsAt : a.endsAt !== 0 ? a.endsAt : now;
      return {
        labels: a.labels,
        annotations: a.annotations ?? {},
        startsAt,
        endsAt: a.endsAt,
        generatorURL: a.generatorURL ?? "",
      };
    });
    for (const a of alerts) {
      if (a.endsAt !== 0 && a.endsAt < a.startsAt) {
        throw new ReddotError(
          "RD_ALERTS_INVALID",
          400,
          `alerts: ${JSON.stringify(a.labels)}: endsAt is before startsAt`,
        );
      }
    }
    notifier.receive(alerts);
    return reply.code(200).send();
  });
}
