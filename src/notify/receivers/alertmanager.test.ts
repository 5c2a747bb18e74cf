import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { NotificationTemplates } from "../../template/index.js";
import { alertmanagerIntegration } from "./alertmanager.js";
import { alert, type CaptureServer, captureServer, context, T0 } from "./testing.js";
import type { BuildDeps } from "./types.js";

const NOW = T0 + 10 * 60_000;
const deps = (): BuildDeps => ({
  templates: NotificationTemplates.parse([]),
  configDir: mkdtempSync(join(tmpdir(), "reddot-am-")),
  now: () => NOW,
});

let srv: CaptureServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

describe("alertmanager forwarding", () => {
  it("POSTs all alerts of the group to /api/v2/alerts as postable alerts", async () => {
    srv = await captureServer([{ status: 200, body: "" }]);
    const a = alertmanagerIntegration(
      "team-x",
      0,
      { url: `${srv.url}/am/`, timeoutMs: 5000, sendResolved: true },
      deps(),
    );
    await a.send(
      context([
        alert({ alertname: "Down", instance: "a" }),
        alert({ alertname: "Down", instance: "c" }, "firing", { endsAt: NOW + 180_000 }),
        alert({ alertname: "Down", instance: "b" }, "resolved"),
      ]),
      new AbortController().signal,
    );
    expect(srv.requests[0]?.url).toBe("/am/api/v2/alerts");
    expect(srv.requests[0]?.json).toEqual([
      {
        labels: { alertname: "Down", instance: "a" },
        annotations: { summary: "summary of Down" },
        startsAt: "2024-01-02T03:04:05.6Z",
        generatorURL: "http://reddot.example/graph?g0.expr=up",
      },
      {
        labels: { alertname: "Down", instance: "c" },
        annotations: { summary: "summary of Down" },
        startsAt: "2024-01-02T03:04:05.6Z",
        endsAt: "2024-01-02T03:17:05.6Z",
        generatorURL: "http://reddot.example/graph?g0.expr=up",
      },
      {
        labels: { alertname: "Down", instance: "b" },
        annotations: { summary: "summary of Down" },
        startsAt: "2024-01-02T03:04:05.6Z",
        endsAt: "2024-01-02T03:05:05.6Z",
        generatorURL: "http://reddot.example/graph?g0.expr=up",
      },
    ]);
  });

  it("a 400 from the remote Alertmanager is not retried", async () => {
    srv = await captureServer([{ status: 400, body: '{"code":400,"message":"bad"}' }]);
    const a = alertmanagerIntegration(
      "team-x",
      0,
      { url: srv.url, timeoutMs: 5000, sendResolved: true },
      deps(),
    );
    const e = await a
      .send(context([alert({ alertname: "Down" })]), new AbortController().signal)
      .catch((x) => x);
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/status 400/);
  });
});
