import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MaintenanceWindow, NotifyConfig, NotifyRoute } from "../config/index.js";
import { type MetaDb, openMeta } from "../meta/index.js";
import { FAILING_ALERTNAME } from "./dispatcher.js";
import { parseMatchers } from "./matchers.js";
import { Notifier, type NotifierTimers } from "./notifier.js";
import type { NotifyContext, PipelineIntegration } from "./pipeline.js";
import { SilenceStore } from "./silences.js";
import type { Alert } from "./types.js";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0); // a Monday, 12:00 UTC

/** A test receiver: records what it is asked to send; can be told to fail. */
class RecordingIntegration implements PipelineIntegration {
  readonly kind = "webhook" as const;
  readonly index = 0;
  readonly id = "webhook[0]";
  readonly sent: NotifyContext[] = [];
  fail = false;
  constructor(
    readonly receiver: string,
    readonly sendResolved = true,
  ) {}
  async send(ctx: NotifyContext): Promise<void> {
    if (this.fail) throw new Error("connection refused");
    this.sent.push(structuredClone(ctx));
  }
  /** alertname:status of each alert of each notification. */
  summary(): string[][] {
    return this.sent.map((c) => c.alerts.map((a) => `${a.labels.alertname}:${a.status}`));
  }
}

/** Timers that never fire: the test calls tick() itself. */
const manualTimers: NotifierTimers = { setTimeout: () => 0, clearTimeout: () => {} };

function route(over: Partial<NotifyRoute> = {}): NotifyRoute {
  return {
    receiver: "default",
    groupBy: ["alertname"],
    continue: false,
    matchers: [],
    groupWaitMs: 30 * S,
    groupIntervalMs: 5 * M,
    repeatIntervalMs: 4 * H,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    routes: [],
    ...over,
  };
}

function config(over: Partial<NotifyConfig> = {}): NotifyConfig {
  return {
    resolveTimeoutMs: 5 * M,
    route: route(),
    receivers: [],
    inhibitRules: [],
    timeIntervals: [],
    templates: [],
    ...over,
  };
}

function alert(labels: Record<string, string>, startsAt = T0, endsAt = 0): Alert {
  return { labels, annotations: {}, startsAt, endsAt, generatorURL: "http://x/graph" };
}

const silentLog = { info() {}, warn() {}, error() {}, debug() {} };

describe("Notifier", () => {
  let dir: string;
  let meta: MetaDb;
  let now: number;
  let receivers: Map<string, RecordingIntegration>;
  let notifiers: Notifier[];
  let errors: string[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "reddot-notifier-"));
    meta = await openMeta({ path: join(dir, "meta.db") });
    now = T0;
    receivers = new Map();
    notifiers = [];
    errors = [];
  });
  afterEach(async () => {
    for (const n of notifiers) await n.stop();
    await meta.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function rec(name: string, sendResolved = true): RecordingIntegration {
    let r = receivers.get(name);
    if (r === undefined) {
      r = new RecordingIntegration(name, sendResolved);
      receivers.set(name, r);
    }
    return r;
  }

  async function make(
    cfg: NotifyConfig,
    opts: { maintenance?: MaintenanceWindow[]; silences?: SilenceStore; db?: MetaDb } = {},
  ): Promise<Notifier> {
    const db = opts.db ?? meta;
    const n = new Notifier({
      config: cfg,
      maintenance: opts.maintenance ?? [],
      meta: db,
      silences: opts.silences ?? (await SilenceStore.open(db, { now: () => now })),
      integrationsFor: (name) => [rec(name)],
      externalURL: "http://reddot.test",
      now: () => now,
      timers: manualTimers,
      log: {
        ...silentLog,
        error: (o: object, m?: string) => errors.push(`${m} ${JSON.stringify(o)}`),
      },
    });
    notifiers.push(n);
    return n;
  }

  async function at(n: Notifier, t: number): Promise<void> {
    now = t;
    await n.tick();
  }

  it("groups by the route's labels and waits group_wait before the first send", async () => {
    const n = await make(config());
    n.receive([
      alert({ alertname: "A", instance: "1" }),
      alert({ alertname: "A", instance: "2" }),
      alert({ alertname: "B", instance: "1" }),
    ]);
    await at(n, T0 + 29 * S);
    expect(rec("default").sent).toHaveLength(0);
    await at(n, T0 + 30 * S);
    const groups = rec("default").sent.map((c) => [c.groupLabels, c.alerts.length]);
    expect(groups).toEqual(
      expect.arrayContaining([
        [{ alertname: "A" }, 2],
        [{ alertname: "B" }, 1],
      ]),
    );
    expect(rec("default").sent).toHaveLength(2);
  });

  it("sends a changed group at group_interval, an unchanged one at repeat_interval", async () => {
    // A long resolve_timeout: the alerts stay firing without being re-sent.
    const n = await make(
      config({ resolveTimeoutMs: 24 * H, route: route({ repeatIntervalMs: 1 * H }) }),
    );
    n.receive([alert({ alertname: "A", instance: "1" })]);
    await at(n, T0 + 30 * S);
    expect(rec("default").sent).toHaveLength(1);
    // A new alert of the group waits for the next group_interval.
    now = T0 + 1 * M;
    n.receive([alert({ alertname: "A", instance: "2" }, now)]);
    await at(n, T0 + 30 * S + 5 * M - 1);
    expect(rec("default").sent).toHaveLength(1);
    await at(n, T0 + 30 * S + 5 * M);
    expect(rec("default").sent).toHaveLength(2);
    expect(rec("default").sent[1]?.alerts).toHaveLength(2);
    // Unchanged: nothing at the following intervals until repeat_interval passed.
    const alive = () =>
      n.receive([
        alert({ alertname: "A", instance: "1" }),
        alert({ alertname: "A", instance: "2" }, T0 + M),
      ]);
    for (let k = 2; k <= 12; k++) {
      now = T0 + 30 * S + k * 5 * M;
      alive();
      await n.tick();
    }
    // Last send at +5m30s. At +65m30s exactly repeat_interval has passed, not
    // more (Alertmanager: sent before now - repeat_interval): the resend is at +70m30s.
    expect(rec("default").sent).toHaveLength(2);
    for (const k of [13, 14]) {
      now = T0 + 30 * S + k * 5 * M;
      alive();
      await n.tick();
      expect(rec("default").sent).toHaveLength(k === 13 ? 2 : 3);
    }
    expect(rec("default").sent).toHaveLength(3);
  });

  it("sends an alert that starts after its group_wait is over at once", async () => {
    const n = await make(config());
    now = T0 + H;
    n.receive([alert({ alertname: "Old" }, T0)]);
    await n.tick();
    expect(rec("default").summary()).toEqual([["Old:firing"]]);
  });

  it("reaches two receivers through a continue route", async () => {
    const cfg = config({
      route: route({
        routes: [
          route({ receiver: "team-a", matchers: parseMatchers('team="a"'), continue: true }),
          route({ receiver: "pager", matchers: parseMatchers('severity="page"') }),
        ],
      }),
    });
    const n = await make(cfg);
    n.receive([alert({ alertname: "X", team: "a", severity: "page" })]);
    await at(n, T0 + 30 * S);
    expect(rec("team-a").sent).toHaveLength(1);
    expect(rec("pager").sent).toHaveLength(1);
    expect(rec("default").sent).toHaveLength(0);
  });

  it("sends a resolution once, and removes the resolved alert from the group", async () => {
    const n = await make(config());
    n.receive([alert({ alertname: "A" })]);
    await at(n, T0 + 30 * S);
    now = T0 + 2 * M;
    n.receive([alert({ alertname: "A" }, T0, now)]);
    await at(n, T0 + 30 * S + 5 * M);
    await at(n, T0 + 30 * S + 10 * M);
    await at(n, T0 + 5 * H);
    expect(rec("default").summary()).toEqual([["A:firing"], ["A:resolved"]]);
    expect(n.groups()).toEqual([]);
  });

  it("sends an alert that resolved before its first notification as nothing", async () => {
    // Alertmanager's needsUpdate: nothing fired that the receiver knows of.
    const n = await make(config());
    n.receive([alert({ alertname: "A" })]);
    now = T0 + 10 * S;
    n.receive([alert({ alertname: "A" }, T0, now)]);
    await at(n, T0 + 30 * S);
    expect(rec("default").sent).toHaveLength(0);
  });

  it("holds back inhibited alerts", async () => {
    const cfg = config({
      route: route({ groupBy: "all" }),
      inhibitRules: [
        {
          sourceMatchers: parseMatchers('severity="critical"'),
          targetMatchers: parseMatchers('severity="warning"'),
          equal: ["host"],
        },
      ],
    });
    const n = await make(cfg);
    n.receive([
      alert({ alertname: "Down", host: "db1", severity: "critical" }),
      alert({ alertname: "Slow", host: "db1", severity: "warning" }),
      alert({ alertname: "Slow", host: "db2", severity: "warning" }),
    ]);
    await at(n, T0 + 30 * S);
    const sent = rec("default").sent.map(
      (c) => `${c.alerts[0]?.labels.alertname}/${c.alerts[0]?.labels.host}`,
    );
    expect(sent.sort()).toEqual(["Down/db1", "Slow/db2"]);
    const slow1 = n.alerts().find((a) => a.labels.alertname === "Slow" && a.labels.host === "db1");
    expect(slow1?.status.state).toBe("suppressed");
    expect(slow1?.status.inhibitedBy).toHaveLength(1);
  });

  it("holds back silenced alerts (real SilenceStore)", async () => {
    const silences = await SilenceStore.open(meta, { now: () => now });
    const id = await silences.add({
      matchers: parseMatchers('alertname="Noisy"'),
      startsAt: T0 - M,
      endsAt: T0 + H,
      createdBy: "test",
      comment: "known",
    });
    const n = await make(config(), { silences });
    n.receive([alert({ alertname: "Noisy" }), alert({ alertname: "Real" })]);
    await at(n, T0 + 30 * S);
    expect(rec("default").summary()).toEqual([["Real:firing"]]);
    expect(n.alerts().find((a) => a.labels.alertname === "Noisy")?.status.silencedBy).toEqual([id]);
    // After the silence ends, the alert is sent at the next group interval.
    now = T0 + H + 30 * S;
    n.receive([alert({ alertname: "Noisy" }), alert({ alertname: "Real" })]);
    await n.tick();
    expect(rec("default").summary()).toContainEqual(["Noisy:firing"]);
  });

  it("holds back alerts in an open maintenance window", async () => {
    const window: MaintenanceWindow = {
      name: "db-upgrade",
      matchers: parseMatchers('host="db1"'),
      matcherTexts: ['host="db1"'],
      startsAt: T0 - H,
      endsAt: T0 + H,
      reason: "upgrade",
      file: "maintenance/db.yaml",
    };
    const n = await make(config({ route: route({ groupBy: ["host"] }) }), {
      maintenance: [window],
    });
    n.receive([
      alert({ alertname: "Down", host: "db1" }),
      alert({ alertname: "Down", host: "db2" }),
    ]);
    await at(n, T0 + 30 * S);
    expect(rec("default").sent.map((c) => c.groupLabels.host)).toEqual(["db2"]);
    const a = n.alerts().find((x) => x.labels.host === "db1");
    expect(a?.status).toMatchObject({ state: "suppressed", mutedBy: ["db-upgrade"] });
  });

  it("holds back a route in its mute_time_intervals, sends in its active ones", async () => {
    const lunch = {
      name: "lunch",
      timeIntervals: [{ times: [{ startMinute: 12 * 60, endMinute: 13 * 60 }] }],
    };
    const cfg = config({
      timeIntervals: [lunch],
      route: route({
        routes: [
          route({
            receiver: "muted",
            matchers: parseMatchers('team="m"'),
            muteTimeIntervals: ["lunch"],
          }),
          route({
            receiver: "active",
            matchers: parseMatchers('team="a"'),
            activeTimeIntervals: ["lunch"],
          }),
        ],
      }),
    });
    const n = await make(cfg);
    n.receive([alert({ alertname: "X", team: "m" }), alert({ alertname: "X", team: "a" })]);
    await at(n, T0 + 30 * S);
    expect(rec("muted").sent).toHaveLength(0);
    expect(rec("active").sent).toHaveLength(1);
    // After lunch the muted route sends at its next group interval.
    n.receive([alert({ alertname: "X", team: "m" }), alert({ alertname: "X", team: "a" })]);
    for (let t = T0 + 30 * S; t <= T0 + H + 5 * M; t += 5 * M) {
      now = t;
      n.receive([alert({ alertname: "X", team: "m" }), alert({ alertname: "X", team: "a" })]);
      await n.tick();
    }
    expect(rec("muted").sent).toHaveLength(1);
  });

  it("does not re-send after a restart; re-sends once repeat_interval has passed", async () => {
    const firing = [
      alert({ alertname: "A", instance: "1" }),
      alert({ alertname: "A", instance: "2" }),
    ];
    const n1 = await make(config({ route: route({ repeatIntervalMs: 1 * H }) }));
    n1.receive(firing);
    await at(n1, T0 + 30 * S);
    expect(rec("default").sent).toHaveLength(1);
    await n1.stop();
    await meta.close();

    // "Restart": a new meta connection and a new notifier; the rule engine re-sends its alerts.
    meta = await openMeta({ path: join(dir, "meta.db") });
    now = T0 + 2 * M;
    const n2 = await make(config({ route: route({ repeatIntervalMs: 1 * H }) }));
    n2.receive(firing);
    // Evaluations go on re-sending the same firing alerts; the first flush after
    // the restart (at once: the alerts are older than group_wait) finds them in the log.
    let t = now;
    while (t < T0 + 30 * S + H) {
      now = t;
      n2.receive(firing);
      await n2.tick();
      t += M;
    }
    expect(rec("default").sent).toHaveLength(1);
    // repeat_interval (1h) after the first send, one resend.
    for (; t <= T0 + 30 * S + H + 10 * M; t += M) {
      now = t;
      n2.receive(firing);
      await n2.tick();
    }
    expect(rec("default").sent).toHaveLength(2);
  });

  it("raises ReddotNotificationsFailing through another receiver, never the failing one", async () => {
    const cfg = config({
      route: route({
        groupWaitMs: 0,
        groupIntervalMs: M,
        routes: [
          route({
            receiver: "ops",
            matchers: parseMatchers(`alertname="${FAILING_ALERTNAME}"`),
            continue: true,
            groupWaitMs: 0,
            groupIntervalMs: M,
          }),
        ],
      }),
    });
    const n = await make(cfg);
    rec("default").fail = true;
    n.receive([alert({ alertname: "A" })]);
    for (let k = 0; k < 3; k++) await at(n, T0 + k * M);
    // Third failure raises the alert; it is routed to ops (and not to default, the failing one).
    const failing = n.alerts().find((a) => a.labels.alertname === FAILING_ALERTNAME);
    expect(failing?.labels).toMatchObject({
      receiver: "default",
      integration: "webhook[0]",
      severity: "critical",
    });
    expect(failing?.annotations.description).toContain("connection refused");
    await at(n, T0 + 3 * M);
    expect(rec("ops").summary()).toEqual([[`${FAILING_ALERTNAME}:firing`]]);
    // default recovers: the failing alert resolves and ops hears of it.
    rec("default").fail = false;
    n.receive([alert({ alertname: "A" })]);
    await at(n, T0 + 4 * M);
    expect(rec("default").summary()).toEqual([["A:firing"]]);
    await at(n, T0 + 5 * M);
    expect(rec("ops").summary()).toEqual([
      [`${FAILING_ALERTNAME}:firing`],
      [`${FAILING_ALERTNAME}:resolved`],
    ]);
    // Failed at 0, 1, 2 and 3 minutes.
    expect(n.stats().failed.get("default/webhook[0]")).toBe(4);
    const attempts = await meta.db.selectFrom("notification_attempts").selectAll().execute();
    expect(attempts.filter((r) => r.ok === 0)).toHaveLength(4);
    expect(attempts[0]?.error).toBe("connection refused");
  });

  it("resolves ReddotNotificationsFailing when the failing receiver has nothing left to send", async () => {
    const cfg = config({
      route: route({
        groupWaitMs: 0,
        groupIntervalMs: M,
        routes: [
          route({
            receiver: "ops",
            matchers: parseMatchers(`alertname="${FAILING_ALERTNAME}"`),
            groupWaitMs: 0,
            groupIntervalMs: M,
          }),
        ],
      }),
    });
    const n = await make(cfg);
    rec("default").fail = true;
    n.receive([alert({ alertname: "A" })]);
    for (let k = 0; k < 3; k++) await at(n, T0 + k * M);
    expect(n.alerts().map((a) => a.labels.alertname)).toContain(FAILING_ALERTNAME);
    // "A" times out (resolve_timeout 5m) without ever having been delivered:
    // default's group drains.
    for (let k = 3; k < 8; k++) await at(n, T0 + k * M);
    expect(n.groups().map((g) => g.receiver)).not.toContain("default");
    expect(n.alerts()).toEqual([]);
    expect(rec("ops").summary().at(-1)).toEqual([`${FAILING_ALERTNAME}:resolved`]);
  });

  it("logs an error when the failing receiver is the only one routed", async () => {
    const n = await make(config({ route: route({ groupWaitMs: 0, groupIntervalMs: M }) }));
    rec("default").fail = true;
    n.receive([alert({ alertname: "A" })]);
    for (let k = 0; k < 3; k++) await at(n, T0 + k * M);
    for (let k = 3; k < 6; k++) await at(n, T0 + k * M);
    // Logged once per failure, not at every flush.
    expect(errors.filter((e) => e.includes("no other receiver"))).toHaveLength(1);
  });

  it("rebuilds groups for a reloaded route tree without re-sending", async () => {
    const n = await make(config());
    n.receive([alert({ alertname: "A", team: "db" })]);
    await at(n, T0 + 30 * S);
    expect(rec("default").sent).toHaveLength(1);
    // Same tree again: nothing new is sent.
    n.update(config(), []);
    await at(n, T0 + 2 * M);
    expect(rec("default").sent).toHaveLength(1);
    // A new route for team db: its receiver gets the alert at once (old enough).
    n.update(
      config({
        route: route({ routes: [route({ receiver: "db", matchers: parseMatchers('team="db"') })] }),
      }),
      [],
    );
    expect(n.groups().map((g) => g.receiver)).toEqual(["db"]);
    await at(n, T0 + 2 * M);
    expect(rec("db").summary()).toEqual([["A:firing"]]);
    expect(rec("default").sent).toHaveLength(1);
  });

  it("stops: waits for an in-flight send, then flushes nothing more", async () => {
    const n = await make(config({ route: route({ groupWaitMs: 0 }) }));
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slow = rec("default");
    const send = slow.send.bind(slow);
    slow.send = async (ctx) => {
      await gate;
      await send(ctx);
    };
    n.receive([alert({ alertname: "A" })]);
    const ticking = n.tick();
    const stopping = n.stop();
    release();
    await Promise.all([ticking, stopping]);
    expect(slow.sent).toHaveLength(1);
    n.receive([alert({ alertname: "B" })]);
    await at(n, T0 + H);
    expect(slow.sent).toHaveLength(1);
  });

  it("counts and drops invalid alerts", async () => {
    const n = await make(config());
    n.receive([alert({}), alert({ "bad-name": "x" }), alert({ alertname: "ok" })]);
    expect(n.stats()).toMatchObject({ alertsReceived: 1, alertsInvalid: 2 });
  });
});
