import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { NotificationTemplates } from "../../template/index.js";
import { slackIntegration } from "./slack.js";
import { alert, type CaptureServer, captureServer, context } from "./testing.js";
import type { BuildDeps } from "./types.js";

const deps = (): BuildDeps => ({
  templates: NotificationTemplates.parse([]),
  configDir: mkdtempSync(join(tmpdir(), "reddot-slack-")),
});

let srv: CaptureServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

describe("slack", () => {
  it("POSTs an incoming-webhook message with Alertmanager's default fields", async () => {
    srv = await captureServer();
    const s = slackIntegration(
      "team-x",
      0,
      { sendResolved: false, apiUrl: `${srv.url}/services/T/B/X`, channel: "#ops", timeoutMs: 0 },
      deps(),
    );
    await s.send(
      context([alert({ alertname: "Down", instance: "a" })]),
      new AbortController().signal,
    );
    const body = srv.requests[0]?.json as Record<string, unknown>;
    expect(srv.requests[0]?.url).toBe("/services/T/B/X");
    expect(Object.keys(body).sort()).toEqual(["attachments", "channel", "username"]);
    expect(body.channel).toBe("#ops");
    expect(body.username).toBe("reddot");
    const [att] = body.attachments as Record<string, unknown>[];
    expect(att?.color).toBe("danger");
    expect(att?.title).toBe("[FIRING:1] Down (a)");
    expect(att?.title_link).toBe("http://reddot.example:8080/alerts?receiver=team-x");
    expect(att?.fallback).toBe(
      "[FIRING:1] Down (a) | http://reddot.example:8080/alerts?receiver=team-x",
    );
    expect(att?.text).toBe("");
    expect(att?.mrkdwn_in).toEqual(["fallback", "pretext", "text"]);
    expect(att?.callback_id).toBe("");
    expect(att?.footer).toBe("");
    expect(att).not.toHaveProperty("pretext");
  });

  it("colours resolved groups good, reads api_url_file, renders templates in fields", async () => {
    srv = await captureServer();
    const d = deps();
    writeFileSync(join(d.configDir, "slack-url"), `${srv.url}/services/T/B/FILE\n`);
    const s = slackIntegration(
      "team-x",
      0,
      {
        sendResolved: true,
        apiUrlFile: "slack-url",
        text: "{{ range .Alerts }}{{ .Labels.instance }} {{ end }}",
        iconEmoji: ":fire:",
        timeoutMs: 0,
      },
      d,
    );
    await s.send(
      context([alert({ alertname: "Down", instance: "b" }, "resolved")]),
      new AbortController().signal,
    );
    const body = srv.requests[0]?.json as {
      icon_emoji: string;
      attachments: { color: string; text: string }[];
    };
    expect(srv.requests[0]?.url).toBe("/services/T/B/FILE");
    expect(body.icon_emoji).toBe(":fire:");
    expect(body.attachments[0]?.color).toBe("good");
    expect(body.attachments[0]?.text).toBe("b ");
  });

  it("a text answer other than ok is an error, without the URL", async () => {
    srv = await captureServer([{ status: 200, body: "invalid_token" }]);
    const s = slackIntegration(
      "team-x",
      0,
      { sendResolved: true, apiUrl: `${srv.url}/services/T/B/SECRETXYZ`, timeoutMs: 0 },
      deps(),
    );
    const e = await s
      .send(context([alert({ alertname: "Down" })]), new AbortController().signal)
      .catch((x) => x);
    expect(e.message).toBe("slack: error response: invalid_token");
    expect(e.retryable).toBe(false);
  });

  it("a JSON answer must say ok: true (chat.postMessage)", async () => {
    srv = await captureServer([
      {
        status: 200,
        body: '{"ok":false,"error":"channel_not_found"}',
        headers: { "content-type": "application/json; charset=utf-8" },
      },
      { status: 200, body: '{"ok":true}', headers: { "content-type": "application/json" } },
    ]);
    const s = slackIntegration(
      "team-x",
      0,
      { sendResolved: true, apiUrl: `${srv.url}/api/chat.postMessage`, timeoutMs: 0 },
      deps(),
    );
    const ctx = context([alert({ alertname: "Down" })]);
    const e = await s.send(ctx, new AbortController().signal).catch((x) => x);
    expect(e.message).toBe("slack: error response: channel_not_found");
    expect(e.retryable).toBe(false);
    await s.send(ctx, new AbortController().signal);
    expect(srv.requests).toHaveLength(2);
  });
});
