import { z } from "zod";
import { isReddotError } from "../lib/errors.js";
import {
  isKnownLocation,
  legacyMatchers,
  type Matcher,
  type NamedTimeInterval,
  parseClock,
  parseDayOfMonthRange,
  parseMatcherList,
  parseMonthRange,
  parseWeekdayRange,
  parseYearRange,
  type TimeIntervalSpec,
} from "../notify/index.js";
import { CONFIG_PARSE_OPTIONS, durationField, LABEL_NAME_RE } from "./fields.js";
import type { ConfigIssue, KeyPath } from "./issues.js";
import { referenceHint } from "./sections/unique-names.js";
import { issueAt, positionOf, type YamlFile, zodIssuesToConfigIssues } from "./yaml-file.js";

/*
 * `notify.yaml`: Alertmanager's configuration file, so an existing
 * alertmanager.yml drops in unchanged. Keys, defaults and checks follow
 * Alertmanager's config/config.go. reddot sends to email, webhook, Slack,
 * PagerDuty and (a reddot extension) another Alertmanager; the other
 * integrations are accepted and their notifications fail with a clear log.
 */

/** A key that may be set, with no checking beyond "present": upstream keys reddot passes over. */
const anyValue = z.unknown().optional();
/** http_config, tls_config and similar upstream blocks: accepted as written. */
const looseBlock = z.record(z.string(), z.unknown());

function withHint<T extends z.ZodType>(s: T, check: (v: z.output<T>) => string | undefined) {
  return s.superRefine((v, ctx) => {
    const problem = check(v);
    if (problem !== undefined) ctx.addIssue({ code: "custom", input: v, message: problem });
  });
}

/** A matcher string (`severity="page"`, `{a=~"b"}`), checked for syntax; `hint` shows how to write one. */
export function matcherStringField(
  hint = 'write name, operator (=, !=, =~, !~) and a quoted value: severity="page"',
) {
  return z.string().superRefine((text, ctx) => {
    try {
      parseMatcherList([text]);
    } catch (e) {
      if (!isReddotError(e)) throw e;
      ctx.addIssue({ code: "custom", input: text, message: e.message, params: { hint } });
    }
  });
}

const labelMap = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  for (const name of Object.keys(labels)) {
    if (!LABEL_NAME_RE.test(name)) {
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: `"${name}" is not a valid label name`,
        params: { target: "key" },
      });
    }
  }
});

const regexMap = labelMap.superRefine((m, ctx) => {
  for (const [name, re] of Object.entries(m)) {
    try {
      legacyMatchers({}, { [name]: re });
    } catch (e) {
      if (!isReddotError(e)) throw e;
      ctx.addIssue({ code: "custom", path: [name], input: re, message: e.message });
    }
  }
});

const optionalDuration = () => durationField().optional();

const globalSchema = z.strictObject({
  resolve_timeout: durationField({ min: 1 }).default(5 * 60_000),
  http_config: looseBlock.optional(),
  smtp_from: z.string().optional(),
  smtp_hello: z.string().default("localhost"),
  smtp_smarthost: z.string().optional(),
  smtp_auth_username: z.string().optional(),
  smtp_auth_password: z.string().optional(),
  smtp_auth_password_file: z.string().optional(),
  smtp_auth_secret: z.string().optional(),
  smtp_auth_secret_file: z.string().optional(),
  smtp_auth_identity: z.string().optional(),
  smtp_require_tls: z.boolean().default(true),
  smtp_tls_config: looseBlock.optional(),
  smtp_force_implicit_tls: z.boolean().optional(),
  slack_api_url: z.string().optional(),
  slack_api_url_file: z.string().optional(),
  slack_app_token: anyValue,
  slack_app_token_file: anyValue,
  slack_app_url: anyValue,
  pagerduty_url: z.string().default("https://events.pagerduty.com/v2/enqueue"),
  opsgenie_api_url: anyValue,
  opsgenie_api_key: anyValue,
  opsgenie_api_key_file: anyValue,
  wechat_api_url: anyValue,
  wechat_api_secret: anyValue,
  wechat_api_secret_file: anyValue,
  wechat_api_corp_id: anyValue,
  victorops_api_url: anyValue,
  victorops_api_key: anyValue,
  victorops_api_key_file: anyValue,
  telegram_api_url: anyValue,
  telegram_bot_token: anyValue,
  telegram_bot_token_file: anyValue,
  webex_api_url: anyValue,
  rocketchat_api_url: anyValue,
  rocketchat_token: anyValue,
  rocketchat_token_file: anyValue,
  rocketchat_token_id: anyValue,
  rocketchat_token_id_file: anyValue,
  jira_api_url: anyValue,
});

const emailSchema = z.strictObject({
  send_resolved: z.boolean().default(false),
  to: z.string().optional(),
  from: z.string().optional(),
  smarthost: z.string().optional(),
  hello: z.string().optional(),
  auth_username: z.string().optional(),
  auth_password: z.string().optional(),
  auth_password_file: z.string().optional(),
  auth_secret: z.string().optional(),
  auth_secret_file: z.string().optional(),
  auth_identity: z.string().optional(),
  require_tls: z.boolean().optional(),
  force_implicit_tls: z.boolean().optional(),
  tls_config: looseBlock.optional(),
  headers: z.record(z.string(), z.string()).default({}),
  html: z.string().optional(),
  text: z.string().optional(),
  threading: looseBlock.optional(),
});

const webhookSchema = z.strictObject({
  send_resolved: z.boolean().default(true),
  url: z.string().optional(),
  url_file: z.string().optional(),
  max_alerts: z.int().nonnegative().default(0),
  timeout: optionalDuration(),
  http_config: looseBlock.optional(),
});

const slackSchema = z.strictObject({
  send_resolved: z.boolean().default(false),
  api_url: z.string().optional(),
  api_url_file: z.string().optional(),
  app_token: anyValue,
  app_token_file: anyValue,
  app_url: anyValue,
  channel: z.string().optional(),
  username: z.string().optional(),
  color: z.string().optional(),
  title: z.string().optional(),
  title_link: z.string().optional(),
  pretext: z.string().optional(),
  text: z.string().optional(),
  fields: anyValue,
  short_fields: z.boolean().optional(),
  footer: z.string().optional(),
  fallback: z.string().optional(),
  callback_id: z.string().optional(),
  icon_emoji: z.string().optional(),
  icon_url: z.string().optional(),
  image_url: z.string().optional(),
  thumb_url: z.string().optional(),
  link_names: z.boolean().optional(),
  mrkdwn_in: z.array(z.string()).optional(),
  actions: anyValue,
  message_text: anyValue,
  update_message: anyValue,
  timeout: optionalDuration(),
  http_config: looseBlock.optional(),
});

const pagerdutySchema = z.strictObject({
  send_resolved: z.boolean().default(true),
  routing_key: z.string().optional(),
  routing_key_file: z.string().optional(),
  service_key: z.string().optional(),
  service_key_file: z.string().optional(),
  url: z.string().optional(),
  client: z.string().optional(),
  client_url: z.string().optional(),
  description: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  images: anyValue,
  links: anyValue,
  source: z.string().optional(),
  severity: z.string().optional(),
  class: z.string().optional(),
  component: z.string().optional(),
  group: z.string().optional(),
  timeout: optionalDuration(),
  http_config: looseBlock.optional(),
});

/** reddot extension: forward alerts to another Alertmanager's /api/v2/alerts. */
const alertmanagerSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  timeout: durationField({ min: 1 }).default(10_000),
  send_resolved: z.boolean().default(true),
  http_config: looseBlock.optional(),
});

/** Upstream integrations reddot accepts but does not send to. */
export const UNSUPPORTED_INTEGRATIONS = [
  "opsgenie_configs",
  "victorops_configs",
  "pushover_configs",
  "wechat_configs",
  "telegram_configs",
  "sns_configs",
  "webex_configs",
  "discord_configs",
  "msteams_configs",
  "msteamsv2_configs",
  "jira_configs",
  "rocketchat_configs",
  "incidentio_configs",
] as const;

/** The failure logged for a notification to an accepted-unsupported integration (`opsgenie_configs` → "opsgenie"). */
export function unsupportedIntegrationMessage(integration: string): string {
  return `integration ${integration.replace(/_configs$/, "")} is not supported by reddot`;
}

const receiverSchema = z.strictObject({
  name: z.string().min(1),
  email_configs: z.array(emailSchema).default([]),
  webhook_configs: z.array(webhookSchema).default([]),
  slack_configs: z.array(slackSchema).default([]),
  pagerduty_configs: z.array(pagerdutySchema).default([]),
  alertmanager_configs: z.array(alertmanagerSchema).default([]),
  ...Object.fromEntries(
    UNSUPPORTED_INTEGRATIONS.map((k) => [k, z.array(looseBlock).optional()] as const),
  ),
});

const groupByField = z.array(z.string()).superRefine((names, ctx) => {
  names.forEach((n, i) => {
    if (n === "...") {
      if (names.length > 1) {
        ctx.addIssue({
          code: "custom",
          path: [i],
          input: n,
          message: "'...' must be the only entry of group_by",
          params: { hint: "'...' groups by all labels; remove the other names" },
        });
      }
    } else if (!LABEL_NAME_RE.test(n)) {
      ctx.addIssue({
        code: "custom",
        path: [i],
        input: n,
        message: `"${n}" is not a valid label name`,
      });
    } else if (names.indexOf(n) !== i) {
      ctx.addIssue({
        code: "custom",
        path: [i],
        input: n,
        message: `duplicated label "${n}" in group_by`,
      });
    }
  });
});

interface RawRoute {
  receiver?: string;
  group_by?: string[];
  continue: boolean;
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  matchers?: string[];
  group_wait?: number;
  group_interval?: number;
  repeat_interval?: number;
  mute_time_intervals?: string[];
  active_time_intervals?: string[];
  routes?: RawRoute[];
}

const routeSchema: z.ZodType<RawRoute, unknown> = z.strictObject({
  receiver: z.string().optional(),
  group_by: groupByField.optional(),
  continue: z.boolean().default(false),
  match: labelMap.optional(),
  match_re: regexMap.optional(),
  matchers: z.array(matcherStringField()).optional(),
  group_wait: optionalDuration(),
  group_interval: durationField({ min: 1 }).optional(),
  repeat_interval: durationField({ min: 1 }).optional(),
  mute_time_intervals: z.array(z.string()).optional(),
  active_time_intervals: z.array(z.string()).optional(),
  get routes() {
    return z.array(routeSchema).max(1000).optional();
  },
}) as unknown as z.ZodType<RawRoute, unknown>;

const inhibitSchema = z.strictObject({
  source_match: labelMap.optional(),
  source_match_re: regexMap.optional(),
  source_matchers: z.array(matcherStringField()).optional(),
  target_match: labelMap.optional(),
  target_match_re: regexMap.optional(),
  target_matchers: z.array(matcherStringField()).optional(),
  equal: z.array(z.string()).default([]),
});

function parsed<T>(parse: (s: string) => T) {
  return z.string().transform((text, ctx) => {
    try {
      return parse(text);
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      ctx.addIssue({ code: "custom", input: text, message: e.message });
      return z.NEVER;
    }
  });
}

const timeRangeSchema = z
  .strictObject({ start_time: parsed(parseClock), end_time: parsed(parseClock) })
  .superRefine((r, ctx) => {
    if (r.start_time >= r.end_time) {
      ctx.addIssue({
        code: "custom",
        path: ["end_time"],
        message: "end_time must be after start_time",
        params: { hint: "a range crossing midnight is two ranges: 22:00-24:00 and 00:00-06:00" },
      });
    }
  });

const yearLike = z.union([z.string(), z.int().transform(String)]);

const timeIntervalSpecSchema = z.strictObject({
  times: z.array(timeRangeSchema).optional(),
  weekdays: z.array(parsed(parseWeekdayRange)).optional(),
  days_of_month: z.array(yearLike.pipe(parsed(parseDayOfMonthRange))).optional(),
  months: z.array(yearLike.pipe(parsed(parseMonthRange))).optional(),
  years: z.array(yearLike.pipe(parsed(parseYearRange))).optional(),
  location: withHint(z.string(), (l) =>
    isKnownLocation(l)
      ? undefined
      : `unknown location "${l}"; want an IANA name such as Europe/Berlin, UTC or Local`,
  ).optional(),
});

const namedIntervalSchema = z.strictObject({
  name: z.string().min(1),
  time_intervals: z.array(timeIntervalSpecSchema).default([]),
});

/** The whole notify.yaml, as written. */
export const notifyFileSchema = z
  .strictObject({
    global: globalSchema.prefault({}),
    route: routeSchema.optional(),
    receivers: z.array(receiverSchema).default([]),
    inhibit_rules: z.array(inhibitSchema).default([]),
    time_intervals: z.array(namedIntervalSchema).default([]),
    mute_time_intervals: z.array(namedIntervalSchema).default([]),
    templates: z.array(z.string()).default([]),
    tracing: looseBlock.optional(),
  })
  .describe("Alertmanager configuration (notify.yaml)");

type RawNotify = z.output<typeof notifyFileSchema>;

// ---- resolved config ----

/** Durations in ms. */
export interface NotifyRoute {
  receiver: string;
  /** Label names to group by, or "all" for `'...'`. */
  groupBy: readonly string[] | "all";
  continue: boolean;
  matchers: readonly Matcher[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  muteTimeIntervals: readonly string[];
  activeTimeIntervals: readonly string[];
  routes: readonly NotifyRoute[];
}

export interface EmailConfig {
  sendResolved: boolean;
  to: string;
  from: string;
  smarthost: string;
  hello: string;
  authUsername?: string;
  authPassword?: string;
  authPasswordFile?: string;
  authSecret?: string;
  authSecretFile?: string;
  authIdentity?: string;
  requireTls: boolean;
  tlsConfig?: Record<string, unknown>;
  headers: Record<string, string>;
  html?: string;
  text?: string;
}

export interface WebhookConfig {
  sendResolved: boolean;
  url?: string;
  urlFile?: string;
  maxAlerts: number;
  /** 0 = no timeout beyond the notifier's own. */
  timeoutMs: number;
  httpConfig?: Record<string, unknown>;
}

export interface SlackConfig {
  sendResolved: boolean;
  apiUrl?: string;
  apiUrlFile?: string;
  channel?: string;
  username?: string;
  color?: string;
  title?: string;
  titleLink?: string;
  pretext?: string;
  text?: string;
  footer?: string;
  fallback?: string;
  iconEmoji?: string;
  iconUrl?: string;
  timeoutMs: number;
  httpConfig?: Record<string, unknown>;
}

export interface PagerdutyConfig {
  sendResolved: boolean;
  routingKey?: string;
  routingKeyFile?: string;
  serviceKey?: string;
  serviceKeyFile?: string;
  url: string;
  client?: string;
  clientUrl?: string;
  description?: string;
  severity?: string;
  class?: string;
  component?: string;
  group?: string;
  source?: string;
  details?: Record<string, unknown>;
  timeoutMs: number;
  httpConfig?: Record<string, unknown>;
}

export interface AlertmanagerForwardConfig {
  url: string;
  timeoutMs: number;
  sendResolved: boolean;
}

export interface ReceiverConfig {
  name: string;
  email: EmailConfig[];
  webhook: WebhookConfig[];
  slack: SlackConfig[];
  pagerduty: PagerdutyConfig[];
  alertmanager: AlertmanagerForwardConfig[];
  /** Upstream integrations set on this receiver that reddot does not send to, with their count. */
  unsupported: { integration: string; count: number }[];
}

export interface InhibitRule {
  sourceMatchers: readonly Matcher[];
  targetMatchers: readonly Matcher[];
  equal: readonly string[];
}

export interface NotifyConfig {
  resolveTimeoutMs: number;
  route: NotifyRoute;
  receivers: ReceiverConfig[];
  inhibitRules: InhibitRule[];
  /** `time_intervals` and `mute_time_intervals` together, by name. */
  timeIntervals: NamedTimeInterval[];
  /** Template file globs, relative to the config directory. */
  templates: string[];
}

const DEFAULT_GROUP_WAIT = 30_000;
const DEFAULT_GROUP_INTERVAL = 5 * 60_000;
const DEFAULT_REPEAT_INTERVAL = 4 * 3_600_000;

function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Parses and checks notify.yaml as Alertmanager does (config.go Load): unique
 * receiver and interval names, every referenced receiver and interval defined,
 * a root route with a receiver and no matchers, global SMTP/Slack settings
 * where an integration needs them. Returns the config when there are no issues.
 */
export function parseNotifyConfig(file: YamlFile): {
  config?: NotifyConfig;
  issues: ConfigIssue[];
} {
  const result = notifyFileSchema.safeParse(file.data ?? {}, CONFIG_PARSE_OPTIONS);
  if (!result.success) {
    return { issues: zodIssuesToConfigIssues(file, result.error.issues, notifyFileSchema) };
  }
  const raw = result.data;
  const issues: ConfigIssue[] = [];
  const at = (path: KeyPath, message: string, hint?: string) =>
    issues.push(issueAt(file, path, message, hint));

  const receiverNames = uniqueList(file, raw.receivers, ["receivers"], "receiver", issues);
  const intervalNames = new Set<string>();
  const seenInterval = new Map<string, string>();
  for (const key of ["time_intervals", "mute_time_intervals"] as const) {
    raw[key].forEach((ti, i) => {
      const first = seenInterval.get(ti.name);
      if (first !== undefined) {
        at(
          [key, i, "name"],
          `time interval "${ti.name}" is already defined at ${first}`,
          "rename or remove one",
        );
        return;
      }
      const p = positionOf(file, [key, i, "name"]);
      seenInterval.set(ti.name, `${file.file}:${p.line}:${p.column}`);
      intervalNames.add(ti.name);
    });
  }

  const receivers = raw.receivers.map((r, i) => resolveReceiver(raw, r, ["receivers", i], at));

  let route: NotifyRoute | undefined;
  if (raw.route === undefined) {
    at([], "no route: notify.yaml needs a top-level route", "add route: { receiver: <name> }");
  } else {
    const r = raw.route;
    if (r.receiver === undefined) at(["route"], "the root route must have a receiver");
    const rootMatchers = ["match", "match_re", "matchers"] as const;
    for (const k of rootMatchers) {
      if (r[k] !== undefined && Object.keys(r[k]).length > 0) {
        at(
          ["route", k],
          "the root route must not have any matchers",
          "it receives every alert; move matchers to a child route",
        );
      }
    }
    if (r.continue) at(["route", "continue"], "the root route cannot have continue set");
    if ((r.mute_time_intervals ?? []).length > 0)
      at(["route", "mute_time_intervals"], "the root route must not have any mute time intervals");
    if ((r.active_time_intervals ?? []).length > 0)
      at(
        ["route", "active_time_intervals"],
        "the root route must not have any active time intervals",
      );
    route = resolveRoute(r, ["route"], undefined, receiverNames, intervalNames, at);
  }

  const inhibitRules = raw.inhibit_rules.map((rule, i) => {
    rule.equal.forEach((n, j) => {
      if (!LABEL_NAME_RE.test(n))
        at(["inhibit_rules", i, "equal", j], `"${n}" is not a valid label name`);
    });
    return {
      sourceMatchers: [
        ...legacyMatchers(rule.source_match, rule.source_match_re),
        ...parseMatcherList(rule.source_matchers ?? []),
      ],
      targetMatchers: [
        ...legacyMatchers(rule.target_match, rule.target_match_re),
        ...parseMatcherList(rule.target_matchers ?? []),
      ],
      equal: rule.equal,
    };
  });

  const timeIntervals: NamedTimeInterval[] = [
    ...raw.time_intervals,
    ...raw.mute_time_intervals,
  ].map((ti) => ({
    name: ti.name,
    timeIntervals: ti.time_intervals.map(
      (s): TimeIntervalSpec =>
        strip({
          times: s.times?.map((t) => ({ startMinute: t.start_time, endMinute: t.end_time })),
          weekdays: s.weekdays,
          daysOfMonth: s.days_of_month,
          months: s.months,
          years: s.years,
          location: s.location,
        }),
    ),
  }));

  if (issues.length > 0 || route === undefined) return { issues };
  return {
    issues,
    config: {
      resolveTimeoutMs: raw.global.resolve_timeout,
      route,
      receivers,
      inhibitRules,
      timeIntervals,
      templates: raw.templates,
    },
  };
}

function uniqueList(
  file: YamlFile,
  items: readonly { name: string }[],
  at: KeyPath,
  what: string,
  issues: ConfigIssue[],
): Set<string> {
  const seen = new Map<string, string>();
  items.forEach((item, i) => {
    const first = seen.get(item.name);
    if (first !== undefined) {
      issues.push(
        issueAt(
          file,
          [...at, i, "name"],
          `${what} "${item.name}" is already defined at ${first}`,
          `${what} names must be unique; rename or remove one`,
        ),
      );
      return;
    }
    const p = positionOf(file, [...at, i, "name"]);
    seen.set(item.name, `${file.file}:${p.line}:${p.column}`);
  });
  return new Set(seen.keys());
}

type At = (path: KeyPath, message: string, hint?: string) => void;

const refHint = referenceHint;

function resolveRoute(
  r: RawRoute,
  path: KeyPath,
  parent: NotifyRoute | undefined,
  receivers: ReadonlySet<string>,
  intervals: ReadonlySet<string>,
  at: At,
): NotifyRoute {
  const receiver = r.receiver ?? parent?.receiver ?? "";
  if (r.receiver !== undefined && !receivers.has(r.receiver)) {
    at(
      [...path, "receiver"],
      `undefined receiver "${r.receiver}" used in route`,
      refHint(r.receiver, receivers, "define it under receivers:"),
    );
  }
  for (const key of ["mute_time_intervals", "active_time_intervals"] as const) {
    (r[key] ?? []).forEach((name, i) => {
      if (!intervals.has(name)) {
        at(
          [...path, key, i],
          `undefined time interval "${name}" used in route`,
          refHint(name, intervals, "define it under time_intervals:"),
        );
      }
    });
  }
  let matchers: Matcher[] = [];
  try {
    matchers = [...legacyMatchers(r.match, r.match_re), ...parseMatcherList(r.matchers ?? [])];
  } catch (e) {
    if (!isReddotError(e)) throw e; // already reported by the schema
  }
  const groupBy: readonly string[] | "all" =
    r.group_by === undefined
      ? (parent?.groupBy ?? [])
      : r.group_by.includes("...")
        ? "all"
        : r.group_by;
  const node: NotifyRoute = {
    receiver,
    groupBy,
    continue: r.continue,
    matchers,
    groupWaitMs: r.group_wait ?? parent?.groupWaitMs ?? DEFAULT_GROUP_WAIT,
    groupIntervalMs: r.group_interval ?? parent?.groupIntervalMs ?? DEFAULT_GROUP_INTERVAL,
    repeatIntervalMs: r.repeat_interval ?? parent?.repeatIntervalMs ?? DEFAULT_REPEAT_INTERVAL,
    muteTimeIntervals: r.mute_time_intervals ?? [],
    activeTimeIntervals: r.active_time_intervals ?? [],
    routes: [],
  };
  node.routes = (r.routes ?? []).map((child, i) =>
    resolveRoute(child, [...path, "routes", i], node, receivers, intervals, at),
  );
  return node;
}

function resolveReceiver(
  raw: RawNotify,
  r: RawNotify["receivers"][number],
  path: KeyPath,
  at: At,
): ReceiverConfig {
  const g = raw.global;
  const email = r.email_configs.map((e, i): EmailConfig => {
    const p = [...path, "email_configs", i];
    if (e.to === undefined || e.to === "")
      at(p, "missing to address in email config", "set to: on the email config");
    const smarthost = e.smarthost ?? g.smtp_smarthost;
    if (smarthost === undefined)
      at(p, "no global SMTP smarthost set", "set smarthost: here or global.smtp_smarthost");
    const from = e.from ?? g.smtp_from;
    if (from === undefined) at(p, "no global SMTP from set", "set from: here or global.smtp_from");
    // As Alertmanager: auth settings come from global only when the config sets none of them.
    const ownAuth =
      e.auth_username ??
      e.auth_password ??
      e.auth_password_file ??
      e.auth_secret ??
      e.auth_secret_file ??
      e.auth_identity;
    const auth =
      ownAuth !== undefined
        ? e
        : {
            auth_username: g.smtp_auth_username,
            auth_password: g.smtp_auth_password,
            auth_password_file: g.smtp_auth_password_file,
            auth_secret: g.smtp_auth_secret,
            auth_secret_file: g.smtp_auth_secret_file,
            auth_identity: g.smtp_auth_identity,
          };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(e.headers)) {
      // Header names are case-insensitive; Alertmanager normalises them.
      headers[
        k.toLowerCase().replace(/(^|-)([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase())
      ] = v;
    }
    return strip({
      sendResolved: e.send_resolved,
      to: e.to ?? "",
      from: from ?? "",
      smarthost: smarthost ?? "",
      hello: e.hello ?? g.smtp_hello,
      authUsername: auth.auth_username,
      authPassword: auth.auth_password,
      authPasswordFile: auth.auth_password_file,
      authSecret: auth.auth_secret,
      authSecretFile: auth.auth_secret_file,
      authIdentity: auth.auth_identity,
      requireTls: e.require_tls ?? g.smtp_require_tls,
      tlsConfig: e.tls_config ?? g.smtp_tls_config,
      headers,
      html: e.html,
      text: e.text,
    });
  });
  const webhook = r.webhook_configs.map((w, i): WebhookConfig => {
    const p = [...path, "webhook_configs", i];
    if (w.url === undefined && w.url_file === undefined)
      at(p, "one of url or url_file must be configured");
    if (w.url !== undefined && w.url_file !== undefined)
      at(p, "at most one of url and url_file must be configured");
    if (w.url !== undefined && !/^https?:\/\/[^/]/.test(w.url))
      at([...p, "url"], `"${w.url}" is not an http(s) URL`);
    return strip({
      sendResolved: w.send_resolved,
      url: w.url,
      urlFile: w.url_file,
      maxAlerts: w.max_alerts,
      timeoutMs: w.timeout ?? 0,
      httpConfig: w.http_config ?? g.http_config,
    });
  });
  const slack = r.slack_configs.map((s, i): SlackConfig => {
    const p = [...path, "slack_configs", i];
    const apiUrl = s.api_url ?? (s.api_url_file === undefined ? g.slack_api_url : undefined);
    const apiUrlFile =
      s.api_url_file ?? (s.api_url === undefined ? g.slack_api_url_file : undefined);
    if (apiUrl === undefined && apiUrlFile === undefined)
      at(
        p,
        "no global Slack API URL set either inline or in a file",
        "set api_url: here or global.slack_api_url",
      );
    if (s.api_url !== undefined && s.api_url_file !== undefined)
      at(p, "at most one of api_url and api_url_file must be configured");
    return strip({
      sendResolved: s.send_resolved,
      apiUrl,
      apiUrlFile,
      channel: s.channel,
      username: s.username,
      color: s.color,
      title: s.title,
      titleLink: s.title_link,
      pretext: s.pretext,
      text: s.text,
      footer: s.footer,
      fallback: s.fallback,
      iconEmoji: s.icon_emoji,
      iconUrl: s.icon_url,
      timeoutMs: s.timeout ?? 0,
      httpConfig: s.http_config ?? g.http_config,
    });
  });
  const pagerduty = r.pagerduty_configs.map((d, i): PagerdutyConfig => {
    const p = [...path, "pagerduty_configs", i];
    const keys = [d.routing_key, d.routing_key_file, d.service_key, d.service_key_file].filter(
      (k) => k !== undefined,
    );
    if (keys.length === 0)
      at(
        p,
        "missing service or routing key in PagerDuty config",
        "set routing_key: (Events API v2)",
      );
    if (keys.length > 1)
      at(
        p,
        "at most one of routing_key, routing_key_file, service_key and service_key_file must be configured",
      );
    return strip({
      sendResolved: d.send_resolved,
      routingKey: d.routing_key,
      routingKeyFile: d.routing_key_file,
      serviceKey: d.service_key,
      serviceKeyFile: d.service_key_file,
      url: d.url ?? g.pagerduty_url,
      client: d.client,
      clientUrl: d.client_url,
      description: d.description,
      severity: d.severity,
      class: d.class,
      component: d.component,
      group: d.group,
      source: d.source,
      details: d.details,
      timeoutMs: d.timeout ?? 0,
      httpConfig: d.http_config ?? g.http_config,
    });
  });
  const alertmanager = r.alertmanager_configs.map((a) => ({
    url: a.url,
    timeoutMs: a.timeout,
    sendResolved: a.send_resolved,
  }));
  const rec = r as Record<string, unknown>;
  const unsupported = UNSUPPORTED_INTEGRATIONS.flatMap((k) => {
    const list = rec[k];
    return Array.isArray(list) && list.length > 0 ? [{ integration: k, count: list.length }] : [];
  });
  return { name: r.name, email, webhook, slack, pagerduty, alertmanager, unsupported };
}
