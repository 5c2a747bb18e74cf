import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { NotificationTemplates } from "../../template/index.js";
import { postJSON } from "./http.js";
import { httpAuth } from "./http-config.js";
import { fitEventSize, MAX_EVENT_BYTES, type PagerdutyMessage } from "./pagerduty.js";
import { alert, type CaptureServer, captureServer, context } from "./testing.js";
import { NotifyError } from "./types.js";
import { webhookIntegration } from "./webhook.js";

const dir = () => mkdtempSync(join(tmpdir(), "reddot-http-"));

let srv: CaptureServer | undefined;
let raw: Server | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
  if (raw) {
    raw.closeAllConnections();
    await new Promise<void>((r) => raw?.close(() => r()));
    raw = undefined;
  }
});

/** A server that answers with `handler`; for hangs and huge bodies. */
async function rawServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  raw = createServer(handler);
  await new Promise<void>((r) => raw?.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
}

describe("postJSON", () => {
  it("a server that does not answer in time is a retryable timeout", async () => {
    const url = await rawServer(() => {});
    const e = await postJSON(
      `${url}/x`,
      {},
      { signal: new AbortController().signal, timeoutMs: 50, what: "webhook" },
    ).catch((x) => x);
    expect(e).toBeInstanceOf(NotifyError);
    expect(e.retryable).toBe(true);
    expect(e.message).toMatch(/timed out/);
  });

  it("an abort is not retryable", async () => {
    const url = await rawServer(() => {});
    const ac = new AbortController();
    const p = postJSON(`${url}/x`, {}, { signal: ac.signal, timeoutMs: 0, what: "webhook" }).catch(
      (x) => x,
    );
    ac.abort();
    const e = await p;
    expect(e.retryable).toBe(false);
    expect(e.message).toBe("webhook: aborted");
  });

  it("reads a huge error answer only up to its bound and quotes a short piece", async () => {
    const url = await rawServer((_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" });
      const chunk = "x".repeat(64 * 1024);
      for (let i = 0; i < 64; i++) res.write(chunk); // 4 MiB
      res.end();
    });
    const e = await postJSON(
      url,
      {},
      { signal: new AbortController().signal, timeoutMs: 0, what: "webhook" },
    ).catch((x) => x);
    expect(e.retryable).toBe(true);
    expect(e.message.length).toBeLessThan(400);
  });

  it("refuses a URL that is not http(s) (from a url_file, say)", async () => {
    const e = await postJSON(
      "file:///etc/passwd",
      {},
      { signal: new AbortController().signal, timeoutMs: 0, what: "webhook" },
    ).catch((x) => x);
    expect(e.retryable).toBe(false);
    expect(e.message).toBe("webhook: file:///<redacted> is not an http(s) URL");
  });
});

describe("credentials in the URL", () => {
  it("user:password@ in a URL is sent as Basic auth (fetch refuses it in the URL)", async () => {
    srv = await captureServer();
    const url = srv.url.replace("http://", "http://bob:pa%3Ass@");
    await postJSON(`${url}/api/v2/alerts`, [], {
      signal: new AbortController().signal,
      timeoutMs: 0,
      what: "alertmanager",
    });
    expect(srv.requests[0]?.url).toBe("/api/v2/alerts");
    expect(srv.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from("bob:pa:ss").toString("base64")}`,
    );
  });
});

describe("http_config", () => {
  it("basic_auth with password_file and bearer credentials_file become an Authorization header", async () => {
    const d = dir();
    writeFileSync(join(d, "pw"), "hunter22\n");
    writeFileSync(join(d, "tok"), "tok-abc-123\n");
    expect(
      (await httpAuth(d, { basic_auth: { username: "u", password_file: "pw" } })).headers,
    ).toEqual({
      authorization: `Basic ${Buffer.from("u:hunter22").toString("base64")}`,
    });
    expect((await httpAuth(d, { authorization: { credentials_file: "tok" } })).headers).toEqual({
      authorization: "Bearer tok-abc-123",
    });
    expect((await httpAuth(d, { bearer_token: "bt-xyz" })).headers).toEqual({
      authorization: "Bearer bt-xyz",
    });
  });

  it("refuses proxies, OAuth 2 and client certificates with a clear error", async () => {
    for (const [conf, key] of [
      [{ proxy_url: "http://proxy:3128" }, "proxy_url"],
      [{ oauth2: { client_id: "x" } }, "oauth2"],
      [{ tls_config: { ca_file: "ca.pem" } }, "tls_config.ca_file"],
    ] as const) {
      const e = await httpAuth(dir(), conf).catch((x) => x);
      expect(e.message).toBe(`http_config.${key} is not supported by reddot yet`);
      expect(e.retryable).toBe(false);
    }
  });

  it("the webhook sends the header; the credentials stay out of errors", async () => {
    srv = await captureServer([{ status: 401, body: "bad token tok-secret-999" }]);
    const w = webhookIntegration(
      "team-x",
      0,
      {
        sendResolved: true,
        url: srv.url,
        maxAlerts: 0,
        timeoutMs: 0,
        httpConfig: { authorization: { type: "Bearer", credentials: "tok-secret-999" } },
      },
      { templates: NotificationTemplates.parse([]), configDir: dir() },
    );
    const e = await w
      .send(context([alert({ alertname: "Down" })]), new AbortController().signal)
      .catch((x) => x);
    expect(srv.requests[0]?.headers.authorization).toBe("Bearer tok-secret-999");
    expect(e.retryable).toBe(false);
    expect(e.message).not.toContain("tok-secret-999");
  });
});

describe("pagerduty event size", () => {
  it("an event over 512 kB loses its custom details, as in Alertmanager", () => {
    const msg: PagerdutyMessage = {
      routing_key: "k",
      dedup_key: "d",
      event_action: "trigger",
      payload: {
        summary: "s",
        source: "r",
        severity: "error",
        custom_details: { firing: "x".repeat(MAX_EVENT_BYTES) },
      },
    };
    expect(fitEventSize(msg).payload.custom_details).toEqual({
      error:
        "Custom details have been removed because the original event exceeds the maximum size of 512KB",
    });
    const small = { ...msg, payload: { ...msg.payload, custom_details: { firing: "x" } } };
    expect(fitEventSize(small)).toBe(small);
  });
});
