/**
 * Part of the composition root (with main.ts): the metadata DB, the rule
 * manager (built-in and user rules), the notifier with its receivers and
 * silences, and the heartbeat series, built from the config and rebuilt on
 * reload. Alert state, the notification log and silences live in the metadata
 * DB, so a restart neither re-sends nor drops a notification.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Logger } from "pino";
import type { CheckSpec } from "./agent/index.js";
import type { HeartbeatDeps, RulesApi } from "./api/index.js";
import type {
  MaintenanceWindow,
  NotifyConfig,
  ReceiverConfig,
  RuleGroupConfig,
  ServerConfig,
} from "./config/index.js";
import {
  createFirstSeen,
  evaluateHeartbeats,
  type HeartbeatJob,
  heartbeatSamples,
  latestRuns,
} from "./heartbeats/index.js";
import { ReddotError } from "./lib/errors.js";
import { type MetaDb, openMeta } from "./meta/index.js";
import { buildIntegrations, type Integration, Notifier, SilenceStore } from "./notify/index.js";
import type { Engine } from "./promql/index.js";
import {
  builtinRuleGroups,
  MetaAlertStateStore,
  type OutgoingAlert,
  type RuleCounters,
  RuleManager,
} from "./rules/index.js";
import { labelsFromRecord, type Storage } from "./storage/index.js";
import { MAX_TEMPLATE_BYTES, NotificationTemplates } from "./template/index.js";

/** What alerting needs from the loaded config; swapped whole on reload. */
export interface AlertingConfig {
  readonly dir?: string;
  readonly server: ServerConfig;
  readonly rules: readonly RuleGroupConfig[];
  readonly notify?: NotifyConfig;
  readonly maintenance: readonly MaintenanceWindow[];
  readonly heartbeats: readonly HeartbeatJob[];
  /** The checks agents run: the built-in CheckFailing rule uses their intervals. */
  readonly checks: readonly CheckSpec[];
}

export interface Alerting {
  readonly meta: MetaDb;
  readonly notifier: Notifier;
  readonly silences: SilenceStore;
  /** The rule groups, for /api/v1/rules and /api/v1/alerts (empty until startRules). */
  readonly rulesApi: RulesApi;
  /** Rule manager counters, for self-metrics (zeros until startRules). */
  ruleCounters(): RuleCounters;
  /** For the heartbeat API routes. */
  heartbeatDeps(tokenHashes: () => ReadonlySet<string>): HeartbeatDeps;
  /** Starts rule evaluation and the heartbeat series once the store is open. */
  startRules(storage: Storage, engine: Engine): Promise<void>;
  /** Applies a reloaded config; throws (changing nothing) when its templates do not parse. */
  reload(next: AlertingConfig): Promise<void>;
  stop(): Promise<void>;
}

/** How often heartbeat status is written as series, and silences and the notification log are pruned. */
const HEARTBEAT_SERIES_INTERVAL_MS = 15_000;
const GC_INTERVAL_MS = 3_600_000;

/**
 * Receivers when there is no notify.yaml: alerts go through the notifier
 * (so /api/v2/alerts shows them) to a receiver with no integrations, and are logged.
 */
const LOG_ONLY_NOTIFY: NotifyConfig = {
  resolveTimeoutMs: 5 * 60_000,
  route: {
    receiver: "log",
    groupBy: [],
    continue: false,
    matchers: [],
    groupWaitMs: 30_000,
    groupIntervalMs: 5 * 60_000,
    repeatIntervalMs: 4 * 3_600_000,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    routes: [],
  },
  receivers: [
    {
      name: "log",
      email: [],
      webhook: [],
      slack: [],
      pagerduty: [],
      alertmanager: [],
      unsupported: [],
    },
  ],
  inhibitRules: [],
  timeIntervals: [],
  templates: [],
};

/**
 * Opens the metadata DB, the silences and the notifier (served by the API from
 * the start); rules start with `startRules` once the store has replayed its WAL.
 */
export async function openAlerting(opts: {
  config: AlertingConfig;
  /** Where links in notifications and generator URLs point (known once listening). */
  externalURL: () => string;
  logger: Logger;
}): Promise<Alerting> {
  const { logger, externalURL } = opts;
  let config = opts.config;
  const meta = await openMeta({ path: join(config.server.dataDir, "meta.sqlite") });
  const silences = await SilenceStore.open(meta);
  const log = logger.child({ component: "notify" });

  let templates = loadTemplates(config);
  let integrations = integrationCache(config, templates);
  const notifyConfig = (c: AlertingConfig) => c.notify ?? LOG_ONLY_NOTIFY;
  const notifier = new Notifier({
    config: notifyConfig(config),
    maintenance: config.maintenance,
    templates,
    meta,
    silences,
    integrationsFor: (receiver) => integrations(receiver),
    externalURL,
    log,
  });

  // Without notify.yaml alerts are logged when they change (first seen firing,
  // resolved), not at every resend: by label set, the alerts logged as firing.
  const loggedFiring = new Set<string>();
  const onAlerts = (alerts: OutgoingAlert[]) => {
    if (config.notify === undefined) {
      const now = Date.now();
      for (const a of alerts) {
        const firing = a.endsAt > now;
        const key = JSON.stringify(Object.entries(a.labels).sort(([x], [y]) => (x < y ? -1 : 1)));
        if (firing === loggedFiring.has(key)) continue;
        if (firing) loggedFiring.add(key);
        else loggedFiring.delete(key);
        logger.info(
          { labels: a.labels, annotations: a.annotations },
          firing ? "alert firing" : "alert resolved",
        );
      }
    }
    notifier.receive(alerts);
  };
  let rules: RuleManager | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  const gcTimer = setInterval(() => {
    silences.gc().catch((err) => logger.warn({ err }, "silence cleanup failed"));
  }, GC_INTERVAL_MS);
  gcTimer.unref();
  const allGroups = (c: AlertingConfig) => [
    ...builtinRuleGroups(c.server.rules.builtin, { checks: c.checks }),
    ...c.rules,
  ];
  // When each job was first seen: the schedule anchor of a job with no stored run.
  const seen = createFirstSeen();
  seen.update(config.heartbeats, Date.now());

  return {
    meta,
    notifier,
    silences,
    rulesApi: { groups: () => rules?.groups() ?? [] },
    ruleCounters: () =>
      rules?.counters ?? { evaluations: 0, failures: 0, missedIterations: 0, stateSaveFailures: 0 },
    async startRules(storage, engine) {
      const settings = config.server.rules;
      rules = new RuleManager({
        storage,
        engine,
        evaluationInterval: settings.evaluationInterval,
        resendDelay: settings.resendDelay,
        externalURL: externalURL(),
        externalLabels: { ...settings.externalLabels },
        onAlerts,
        stateStore: new MetaAlertStateStore(meta, (ruleKey, why) =>
          logger.warn({ ruleKey, why }, "stored alert state ignored"),
        ),
        onError: (what, err) => logger.warn({ err, what }, "rule evaluation failed"),
      });
      await rules.update(allGroups(config));
      rules.start();
      // Heartbeat status as series, from stored runs (so it holds across restarts).
      const writeHeartbeats = async () => {
        const jobs = config.heartbeats;
        if (jobs.length === 0) return;
        const now = Date.now();
        const runs = await latestRuns(
          meta.db,
          jobs.map((j) => j.name),
        );
        const samples = heartbeatSamples(evaluateHeartbeats(jobs, runs, now, seen.get), now);
        const app = storage.appender();
        try {
          for (const x of samples) {
            app.append(0, labelsFromRecord({ ...x.labels, __name__: x.name }), now, x.value);
          }
          await app.commit();
        } catch (e) {
          app.rollback();
          throw e;
        }
      };
      const tick = () =>
        writeHeartbeats().catch((err) => logger.warn({ err }, "heartbeat series not written"));
      heartbeatTimer = setInterval(tick, HEARTBEAT_SERIES_INTERVAL_MS);
      heartbeatTimer.unref();
      await tick();
    },
    heartbeatDeps: (tokenHashes) => ({
      jobs: () => config.heartbeats,
      meta,
      tokenHashes,
      since: seen.get,
    }),
    async reload(next) {
      const nextTemplates = loadTemplates(next);
      await rules?.update(allGroups(next));
      templates = nextTemplates;
      integrations = integrationCache(next, templates);
      notifier.update(notifyConfig(next), next.maintenance);
      seen.update(next.heartbeats, Date.now());
      config = next;
    },
    async stop() {
      clearInterval(heartbeatTimer);
      clearInterval(gcTimer);
      await rules?.stop();
      await notifier.stop();
      await meta.close();
    },
  };
}

/** Integrations per receiver, built once per config (and so once per reload). */
function integrationCache(config: AlertingConfig, templates: NotificationTemplates) {
  const built = new Map<string, Integration[]>();
  const receivers = new Map<string, ReceiverConfig>(
    (config.notify?.receivers ?? []).map((r) => [r.name, r]),
  );
  const configDir = config.dir ?? process.cwd();
  return (name: string): Integration[] => {
    let list = built.get(name);
    if (list === undefined) {
      const r = receivers.get(name);
      list = r === undefined ? [] : buildIntegrations(r, { templates, configDir });
      built.set(name, list);
    }
    return list;
  };
}

/** Most template files one config may name. */
const MAX_TEMPLATE_FILES = 1000;

/**
 * The default notification templates plus notify.yaml's `templates:` files.
 * Globs may use `*` and `?` in the file name part (as Alertmanager's are mostly
 * written: `templates/*.tmpl`); paths are relative to the config directory.
 */
function loadTemplates(config: AlertingConfig): NotificationTemplates {
  const files: { name: string; text: string }[] = [];
  const root = config.dir ?? process.cwd();
  for (const pattern of config.notify?.templates ?? []) {
    const full = resolve(root, pattern);
    const dir = dirname(full);
    if (/[*?[]/.test(dir)) {
      throw new ReddotError(
        "RD_CONFIG_INVALID",
        400,
        `notify.yaml templates: ${pattern}: only the file name part may hold wildcards`,
      );
    }
    const re = globToRegExp(basename(full));
    let names: string[];
    try {
      names = readdirSync(dir)
        .filter((n) => re.test(n))
        .sort();
    } catch {
      names = [];
    }
    for (const n of names) {
      const path = join(dir, n);
      if (!statSync(path).isFile()) continue;
      if (statSync(path).size > MAX_TEMPLATE_BYTES) {
        throw new ReddotError(
          "RD_CONFIG_INVALID",
          400,
          `notify.yaml templates: ${path} is larger than ${MAX_TEMPLATE_BYTES} bytes`,
        );
      }
      files.push({ name: path, text: readFileSync(path, "utf8") });
      if (files.length > MAX_TEMPLATE_FILES) {
        throw new ReddotError(
          "RD_CONFIG_INVALID",
          400,
          `notify.yaml templates: more than ${MAX_TEMPLATE_FILES} files`,
        );
      }
    }
  }
  return NotificationTemplates.parse(files);
}

function globToRegExp(glob: string): RegExp {
  let re = "";
  for (const ch of glob) {
    if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else re += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
