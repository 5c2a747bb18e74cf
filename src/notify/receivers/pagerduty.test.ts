import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { PagerdutyConfig } from "../../config/index.js";
import { NotificationTemplates } from "../../template/index.js";
import { dedupKey, PAGERDUTY_V1_UNSUPPORTED, pagerdutyIntegration } from "./pagerduty.js";
import { alert, type CaptureServer, captureServer, context } from "./testing.js";
import type { BuildDeps } from "./types.js";

const deps = (): BuildDeps => ({
  templates: NotificationTemplates.parse([]),
  configDir: mkdtempSync(join(tmpdir(), "reddot-pd-")),
});

let srv: CaptureServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

const KEY = "R0UTINGKEY0123456789abcdefabcdef";
const conf = (url: string, extra: Partial<PagerdutyConfig> = {}): PagerdutyConfig => ({
  sendResolved: true,
  routingKey: KEY,
  url: `${url}/v2/enqueue`,
  timeoutMs: 0,
  ...extra,
});

describe("pagerduty", () => {
  it("sends an Events API v2 trigger with Alertmanager's defaults", async () => {
    srv = await captureServer([{ status: 202, body: '{"status":"success"}' }]);
    const p = pagerdutyIntegration("team-x", 0, conf(srv.url), deps());
    const ctx = context([
      alert({ alertname: "Down", instance: "a" }),
      alert({ alertname: "Down", instance: "b" }, "resolved"),
    ]);
    await p.send(ctx, new AbortController().signal);
    expect(srv.requests[0]?.url).toBe("/v2/enqueue");
    const body = srv.requests[0]?.json as Record<string, unknown>;
    expect(body).toEqual({
      routing_key: KEY,
      dedup_key: createHash("sha256").update('{}:{alertname="Down"}').digest("hex"),
      event_action: "trigger",
      client: "reddot",
      client_url: "http://reddot.example:8080/alerts?receiver=team-x",
      payload: {
        summary: "[FIRING:1] Down ", // Alertmanager's __subject ends with a space here too
        source: "reddot",
        severity: "error",
        custom_details: {
          firing: expect.stringContaining("instance = a"),
          resolved: expect.stringContaining("instance = b"),
          num_firing: "1",
          num_resolved: "1",
        },
      },
    });
  });

  it("resolves when every alert is resolved; dedup_key is the group key's SHA-256", async () => {
    srv = await captureServer([{ status: 202 }]);
    const p = pagerdutyIntegration(
      "team-x",
      0,
      conf(srv.url, { severity: "critical", component: "db" }),
      deps(),
    );
    await p.send(context([alert({ alertname: "Down" }, "resolved")]), new AbortController().signal);
    const body = srv.requests[0]?.json as {
      event_action: string;
      dedup_key: string;
      payload: Record<string, unknown>;
    };
    expect(body.event_action).toBe("resolve");
    expect(body.dedup_key).toBe(dedupKey('{}:{alertname="Down"}'));
    expect(body.dedup_key).toMatch(/^[0-9a-f]{64}$/);
    expect(body.payload.severity).toBe("critical");
    expect(body.payload.component).toBe("db");
  });

  it("truncates the summary to 1024 characters ending with …", async () => {
    srv = await captureServer([{ status: 202 }]);
    const p = pagerdutyIntegration(
      "team-x",
      0,
      conf(srv.url, { description: "é".repeat(2000) }),
      deps(),
    );
    await p.send(context([alert({ alertname: "Down" })]), new AbortController().signal);
    const summary =
      (srv.requests[0]?.json as { payload: { summary: string } } | undefined)?.payload.summary ??
      "";
    expect(Array.from(summary)).toHaveLength(1024);
    expect(summary.endsWith("é…")).toBe(true);
  });

  it("429 is retryable, 400 is not; the routing key never shows in errors", async () => {
    srv = await captureServer([
      { status: 429, body: `rate limited ${KEY}` },
      { status: 400, body: `bad key ${KEY}` },
    ]);
    const p = pagerdutyIntegration("team-x", 0, conf(srv.url), deps());
    const ctx = context([alert({ alertname: "Down" })]);
    const e1 = await p.send(ctx, new AbortController().signal).catch((x) => x);
    const e2 = await p.send(ctx, new AbortController().signal).catch((x) => x);
    expect([e1.retryable, e2.retryable]).toEqual([true, false]);
    expect(`${e1.message} ${e2.message}`).not.toContain(KEY);
  });

  it("a v1 service_key is refused", async () => {
    const p = pagerdutyIntegration(
      "team-x",
      0,
      { sendResolved: true, serviceKey: "abc", url: "http://127.0.0.1:1", timeoutMs: 0 },
      deps(),
    );
    const e = await p
      .send(context([alert({ alertname: "Down" })]), new AbortController().signal)
      .catch((x) => x);
    expect(e.message).toBe(PAGERDUTY_V1_UNSUPPORTED);
    expect(e.retryable).toBe(false);
  });
});
