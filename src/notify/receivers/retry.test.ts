import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ReceiverConfig } from "../../config/index.js";
import { NotificationTemplates } from "../../template/index.js";
import { buildIntegrations } from "./build.js";
import { backoffMs, sendWithRetry } from "./retry.js";
import { alert, type CaptureServer, captureServer, context } from "./testing.js";
import type { AttemptRecord, BuildDeps } from "./types.js";

const deps = (): BuildDeps => ({
  templates: NotificationTemplates.parse([]),
  configDir: mkdtempSync(join(tmpdir(), "reddot-retry-")),
});

function receiver(over: Partial<ReceiverConfig>): ReceiverConfig {
  return {
    name: "team-x",
    email: [],
    webhook: [],
    slack: [],
    pagerduty: [],
    alertmanager: [],
    unsupported: [],
    ...over,
  };
}

let srv: CaptureServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

function webhookTo(url: string) {
  const [w] = buildIntegrations(
    receiver({ webhook: [{ sendResolved: true, url, maxAlerts: 0, timeoutMs: 0 }] }),
    deps(),
  );
  if (!w) throw new Error("no integration");
  return w;
}

describe("sendWithRetry", () => {
  it("retries a server failing twice, then succeeds, with growing jittered waits", async () => {
    srv = await captureServer([{ status: 503 }, { status: 500 }, { status: 200 }]);
    const waits: number[] = [];
    const attempts: AttemptRecord[] = [];
    const ok = await sendWithRetry(webhookTo(srv.url), context([alert({ alertname: "Down" })]), {
      signal: new AbortController().signal,
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.5,
      onAttempt: (a) => attempts.push(a),
    });
    expect(ok).toBe(true);
    expect(srv.requests).toHaveLength(3);
    expect(waits).toEqual([500, 1000]);
    expect(attempts.map((a) => [a.attempt, a.ok, a.retryable])).toEqual([
      [1, false, true],
      [2, false, true],
      [3, true, false],
    ]);
    expect(attempts[0]?.error).toMatch(/status 503/);
  });

  it("stops at once on a non-retryable 400", async () => {
    srv = await captureServer([{ status: 400 }, { status: 200 }]);
    const attempts: AttemptRecord[] = [];
    const ok = await sendWithRetry(webhookTo(srv.url), context([alert({ alertname: "Down" })]), {
      signal: new AbortController().signal,
      sleep: async () => {},
      onAttempt: (a) => attempts.push(a),
    });
    expect(ok).toBe(false);
    expect(srv.requests).toHaveLength(1);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.retryable).toBe(false);
  });

  it("gives up after maxAttempts", async () => {
    srv = await captureServer([{ status: 500 }]);
    const ok = await sendWithRetry(webhookTo(srv.url), context([alert({ alertname: "Down" })]), {
      signal: new AbortController().signal,
      maxAttempts: 3,
      sleep: async () => {},
    });
    expect(ok).toBe(false);
    expect(srv.requests).toHaveLength(3);
  });

  it("stops when the signal aborts during a wait", async () => {
    srv = await captureServer([{ status: 500 }]);
    const ac = new AbortController();
    const ok = await sendWithRetry(webhookTo(srv.url), context([alert({ alertname: "Down" })]), {
      signal: ac.signal,
      sleep: async () => {
        ac.abort();
      },
    });
    expect(ok).toBe(false);
    expect(srv.requests).toHaveLength(1);
  });

  it("backoff is full jitter under min(cap, base·2^(n-1))", () => {
    expect(backoffMs(1, 1000, 30_000, () => 0.999)).toBe(999);
    expect(backoffMs(4, 1000, 30_000, () => 0.5)).toBe(4000);
    expect(backoffMs(10, 1000, 30_000, () => 0.5)).toBe(15_000);
    expect(backoffMs(100, 1000, 30_000, () => 0)).toBe(0);
  });
});

describe("buildIntegrations", () => {
  it("ids by kind and index; unsupported integrations fail with a clear, non-retryable error", async () => {
    const list = buildIntegrations(
      receiver({
        webhook: [
          { sendResolved: true, url: "http://127.0.0.1:1/a", maxAlerts: 0, timeoutMs: 0 },
          { sendResolved: false, url: "http://127.0.0.1:1/b", maxAlerts: 0, timeoutMs: 0 },
        ],
        alertmanager: [{ url: "http://127.0.0.1:1", timeoutMs: 1000, sendResolved: true }],
        unsupported: [{ integration: "opsgenie_configs", count: 1 }],
      }),
      deps(),
    );
    expect(list.map((i) => [i.kind, i.id, i.sendResolved])).toEqual([
      ["webhook", "webhook[0]", true],
      ["webhook", "webhook[1]", false],
      ["alertmanager", "alertmanager[0]", true],
      ["unsupported", "opsgenie[0]", false],
    ]);
    const attempts: AttemptRecord[] = [];
    const u = list[3];
    if (!u) throw new Error("missing");
    const ok = await sendWithRetry(u, context([alert({ alertname: "Down" })]), {
      signal: new AbortController().signal,
      onAttempt: (a) => attempts.push(a),
    });
    expect(ok).toBe(false);
    expect(attempts).toEqual([
      expect.objectContaining({
        ok: false,
        retryable: false,
        error: "integration opsgenie is not supported by reddot",
      }),
    ]);
  });

  it("orders integrations as Alertmanager's buildReceiverIntegrations", () => {
    const list = buildIntegrations(
      receiver({
        slack: [{ sendResolved: false, apiUrl: "http://127.0.0.1:1/s", timeoutMs: 0 }],
        pagerduty: [
          { sendResolved: true, routingKey: "k", url: "http://127.0.0.1:1/p", timeoutMs: 0 },
        ],
        email: [
          {
            sendResolved: false,
            to: "a@b.c",
            from: "r@b.c",
            smarthost: "127.0.0.1:25",
            hello: "x",
            requireTls: true,
            headers: {},
          },
        ],
        webhook: [{ sendResolved: true, url: "http://127.0.0.1:1/w", maxAlerts: 0, timeoutMs: 0 }],
        alertmanager: [{ url: "http://127.0.0.1:1", timeoutMs: 1000, sendResolved: true }],
      }),
      deps(),
    );
    expect(list.map((i) => i.id)).toEqual([
      "webhook[0]",
      "email[0]",
      "pagerduty[0]",
      "slack[0]",
      "alertmanager[0]",
    ]);
  });

  it("a template error is a non-retryable NotifyError", async () => {
    const [s] = buildIntegrations(
      receiver({
        slack: [
          {
            sendResolved: true,
            apiUrl: "http://127.0.0.1:1/x",
            title: "{{ .Nope.Nope }}",
            timeoutMs: 0,
          },
        ],
      }),
      deps(),
    );
    const e = await s
      ?.send(context([alert({ alertname: "Down" })]), new AbortController().signal)
      .catch((x) => x);
    expect(e.name).toBe("NotifyError");
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/^slack: /);
  });
});
