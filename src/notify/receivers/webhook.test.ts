import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { NotificationTemplates } from "../../template/index.js";
import { alert, type CaptureServer, captureServer, context } from "./testing.js";
import { type BuildDeps, NotifyError } from "./types.js";
import { webhookIntegration } from "./webhook.js";

const deps = (): BuildDeps => ({
  templates: NotificationTemplates.parse([]),
  configDir: mkdtempSync(join(tmpdir(), "reddot-webhook-")),
});

let srv: CaptureServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

const conf = (url: string, extra = {}) => ({
  sendResolved: true,
  url,
  maxAlerts: 0,
  timeoutMs: 0,
  ...extra,
});

describe("webhook", () => {
  it("POSTs Alertmanager's webhook JSON, field by field", async () => {
    srv = await captureServer();
    const w = webhookIntegration("team-x", 0, conf(`${srv.url}/hook`), deps());
    expect(w.id).toBe("webhook[0]");
    await w.send(
      context([
        alert({ alertname: "Down", instance: "a" }),
        alert({ alertname: "Down", instance: "b" }, "resolved"),
      ]),
      new AbortController().signal,
    );
    expect(srv.requests).toHaveLength(1);
    const r = srv.requests[0];
    expect(r?.method).toBe("POST");
    expect(r?.url).toBe("/hook");
    expect(r?.headers["content-type"]).toBe("application/json");
    expect(r?.json).toEqual({
      receiver: "team-x",
      status: "firing",
      alerts: [
        {
          status: "firing",
          labels: { alertname: "Down", instance: "a" },
          annotations: { summary: "summary of Down" },
          startsAt: "2024-01-02T03:04:05.6Z",
          endsAt: "0001-01-01T00:00:00Z",
          generatorURL: "http://reddot.example/graph?g0.expr=up",
          fingerprint: "0123456789abcdef",
        },
        {
          status: "resolved",
          labels: { alertname: "Down", instance: "b" },
          annotations: { summary: "summary of Down" },
          startsAt: "2024-01-02T03:04:05.6Z",
          endsAt: "2024-01-02T03:05:05.6Z",
          generatorURL: "http://reddot.example/graph?g0.expr=up",
          fingerprint: "0123456789abcdef",
        },
      ],
      groupLabels: { alertname: "Down" },
      commonLabels: { alertname: "Down" },
      commonAnnotations: { summary: "summary of Down" },
      externalURL: "http://reddot.example:8080",
      version: "4",
      groupKey: '{}:{alertname="Down"}',
      truncatedAlerts: 0,
    });
  });

  it("cuts alerts to max_alerts and counts the rest in truncatedAlerts", async () => {
    srv = await captureServer();
    const w = webhookIntegration("team-x", 0, conf(srv.url, { maxAlerts: 1 }), deps());
    await w.send(
      context([
        alert({ alertname: "Down", i: "1" }, "resolved"),
        alert({ alertname: "Down", i: "2" }),
      ]),
      new AbortController().signal,
    );
    const body = srv.requests[0]?.json as {
      alerts: unknown[];
      truncatedAlerts: number;
      status: string;
      commonLabels: Record<string, string>;
    };
    expect(body.alerts).toHaveLength(1);
    expect(body.truncatedAlerts).toBe(1);
    // As Alertmanager: status and common labels are of the alerts kept.
    expect(body.status).toBe("resolved");
    expect(body.commonLabels).toEqual({ alertname: "Down", i: "1" });
  });

  it("drops resolved alerts when send_resolved is false and sends nothing when none is left", async () => {
    srv = await captureServer();
    const w = webhookIntegration("team-x", 0, conf(srv.url, { sendResolved: false }), deps());
    await w.send(context([alert({ alertname: "Down" }, "resolved")]), new AbortController().signal);
    expect(srv.requests).toHaveLength(0);
    await w.send(
      context([
        alert({ alertname: "Down", i: "1" }),
        alert({ alertname: "Down", i: "2" }, "resolved"),
      ]),
      new AbortController().signal,
    );
    expect((srv.requests[0]?.json as { alerts: unknown[] } | undefined)?.alerts).toHaveLength(1);
  });

  it("reads url_file at send time, trimmed", async () => {
    srv = await captureServer();
    const d = deps();
    writeFileSync(join(d.configDir, "url"), `  ${srv.url}/from-file\n`);
    const w = webhookIntegration(
      "team-x",
      0,
      { sendResolved: true, urlFile: "url", maxAlerts: 0, timeoutMs: 0 },
      d,
    );
    await w.send(context([alert({ alertname: "Down" })]), new AbortController().signal);
    expect(srv.requests[0]?.url).toBe("/from-file");
  });

  it("a missing url_file is a non-retryable error naming the file", async () => {
    const w = webhookIntegration(
      "team-x",
      0,
      { sendResolved: true, urlFile: "nope", maxAlerts: 0, timeoutMs: 0 },
      deps(),
    );
    const e = await w
      .send(context([alert({ alertname: "Down" })]), new AbortController().signal)
      .catch((x) => x);
    expect(e).toBeInstanceOf(NotifyError);
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/url_file: cannot read .*nope \(ENOENT\)/);
  });

  it.each([
    [500, true],
    [503, true],
    [429, true],
    [400, false],
    [404, false],
  ])(
    "status %i is retryable: %s; the URL's token is not in the message",
    async (status, retryable) => {
      srv = await captureServer([{ status, body: `failed for /hooks/SECRET-TOKEN-123` }]);
      const w = webhookIntegration("team-x", 0, conf(`${srv.url}/hooks/SECRET-TOKEN-123`), deps());
      const e = await w
        .send(context([alert({ alertname: "Down" })]), new AbortController().signal)
        .catch((x) => x);
      expect(e).toBeInstanceOf(NotifyError);
      expect(e.retryable).toBe(retryable);
      expect(e.status).toBe(status);
      expect(e.message).toContain(`status ${status}`);
      expect(e.message).not.toContain("SECRET-TOKEN-123");
    },
  );

  it("does not follow redirects", async () => {
    srv = await captureServer([
      { status: 302, headers: { location: "http://127.0.0.1:1/elsewhere" } },
    ]);
    const w = webhookIntegration("team-x", 0, conf(`${srv.url}/hook?token=abcdef`), deps());
    const e = await w
      .send(context([alert({ alertname: "Down" })]), new AbortController().signal)
      .catch((x) => x);
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/redirect \(302\)/);
    expect(e.message).not.toContain("abcdef");
    expect(srv.requests).toHaveLength(1);
  });

  it("a refused connection is retryable", async () => {
    srv = await captureServer();
    const url = srv.url;
    await srv.close();
    srv = undefined;
    const w = webhookIntegration("team-x", 0, conf(`${url}/x/token-zzzz`), deps());
    const e = await w
      .send(context([alert({ alertname: "Down" })]), new AbortController().signal)
      .catch((x) => x);
    expect(e.retryable).toBe(true);
    expect(e.message).not.toContain("token-zzzz");
  });
});
