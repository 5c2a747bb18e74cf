import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import type { EmailConfig } from "../../config/index.js";
import { makeTestCert } from "../../lib/test-cert.js";
import { NotificationTemplates } from "../../template/index.js";
import { emailIntegration } from "./email.js";
import { alert, context } from "./testing.js";
import type { BuildDeps } from "./types.js";

interface Received {
  mail: ParsedMail;
  from: string;
  rcpt: string[];
  user?: string;
  secure: boolean;
}

interface Smtp {
  port: number;
  received: Received[];
  close(): Promise<void>;
}

async function smtp(opts: Partial<SMTPServerOptions>): Promise<Smtp> {
  const received: Received[] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    ...opts,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({
            mail,
            from: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
            rcpt: session.envelope.rcptTo.map((r) => r.address),
            user: session.user as string | undefined,
            secure: session.secure,
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let server: Smtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const dir = () => mkdtempSync(join(tmpdir(), "reddot-email-"));
const deps = (configDir: string): BuildDeps => ({
  templates: NotificationTemplates.parse([]),
  configDir,
});

function conf(port: number, extra: Partial<EmailConfig> = {}): EmailConfig {
  return {
    sendResolved: false,
    to: "ops@example.com, oncall@example.com",
    from: "reddot@example.com",
    smarthost: `127.0.0.1:${port}`,
    hello: "reddot.test",
    requireTls: false,
    headers: {},
    ...extra,
  };
}

const xss = () => context([alert({ alertname: "Down", instance: "<script>alert(1)</script>" })]);

describe("email", () => {
  it("sends subject, recipients, an escaped HTML part and a text part without TLS or auth", async () => {
    server = await smtp({ disabledCommands: ["STARTTLS", "AUTH"] });
    const e = emailIntegration("team-x", 0, conf(server.port), deps(dir()));
    await e.send(xss(), new AbortController().signal);
    expect(server.received).toHaveLength(1);
    const r = server.received[0];
    if (!r) throw new Error("no mail");
    expect(r.from).toBe("reddot@example.com");
    expect(r.rcpt).toEqual(["ops@example.com", "oncall@example.com"]);
    expect(r.secure).toBe(false);
    expect(r.mail.subject).toBe("[FIRING:1] Down (<script>alert(1)</script>)");
    expect(r.mail.to && !Array.isArray(r.mail.to) ? r.mail.to.text : "").toBe(
      "ops@example.com, oncall@example.com",
    );
    expect(r.mail.messageId).toMatch(/^<.+@.+>$/);
    expect(r.mail.date).toBeInstanceOf(Date);
    const html = String(r.mail.html);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>");
    expect(html).toContain("http://reddot.example:8080/alerts?receiver=team-x");
    expect(r.mail.text).toContain("instance = <script>alert(1)</script>");
    expect(r.mail.text).toContain("http://reddot.example:8080/alerts?receiver=team-x");
  });

  it("renders configured headers, html and text templates", async () => {
    server = await smtp({ disabledCommands: ["STARTTLS", "AUTH"] });
    const e = emailIntegration(
      "team-x",
      0,
      conf(server.port, {
        headers: {
          Subject: "{{ .Status }}: {{ .CommonLabels.alertname }}",
          "X-Team": "{{ .Receiver }}",
        },
        html: "<b>{{ .CommonLabels.instance }}</b>",
        text: "plain {{ len .Alerts }}",
      }),
      deps(dir()),
    );
    await e.send(xss(), new AbortController().signal);
    const m = server.received[0]?.mail;
    expect(m?.subject).toBe("firing: Down");
    expect(m?.headers.get("x-team")).toBe("team-x");
    expect(m?.html).toBe("<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>");
    expect(m?.text?.trim()).toBe("plain 1");
  });

  it("uses STARTTLS (CA from tls_config.ca_file) and AUTH with auth_password_file", async () => {
    const d = dir();
    const cert = makeTestCert(d);
    writeFileSync(join(d, "smtp-pass"), "s3cret-pass\n");
    server = await smtp({
      key: cert.key,
      cert: cert.cert,
      authMethods: ["PLAIN", "LOGIN"],
      authOptional: false,
      onAuth(auth, _session, callback) {
        if (auth.username === "alice" && auth.password === "s3cret-pass")
          callback(null, { user: "alice" });
        else callback(new Error("Invalid username or password"));
      },
    });
    const e = emailIntegration(
      "team-x",
      0,
      conf(server.port, {
        requireTls: true,
        tlsConfig: { ca_file: cert.certFile, server_name: "localhost" },
        authUsername: "alice",
        authPasswordFile: "smtp-pass",
      }),
      deps(d),
    );
    await e.send(xss(), new AbortController().signal);
    expect(server.received[0]?.secure).toBe(true);
    expect(server.received[0]?.user).toBe("alice");
  });

  it("a wrong password is a non-retryable error that does not show the password", async () => {
    const d = dir();
    const cert = makeTestCert(d);
    server = await smtp({
      key: cert.key,
      cert: cert.cert,
      authOptional: false,
      onAuth(_auth, _session, callback) {
        callback(new Error("Invalid username or password"));
      },
    });
    const e = emailIntegration(
      "team-x",
      0,
      conf(server.port, {
        requireTls: true,
        tlsConfig: { insecure_skip_verify: true },
        authUsername: "alice",
        authPassword: "wrong-pass-123",
      }),
      deps(d),
    );
    const err = await e.send(xss(), new AbortController().signal).catch((x) => x);
    expect(err.name).toBe("NotifyError");
    expect(err.retryable).toBe(false);
    expect(err.message).not.toContain("wrong-pass-123");
    expect(server.received).toHaveLength(0);
  });

  it("require_tls against a server without STARTTLS fails clearly and sends nothing", async () => {
    server = await smtp({ disabledCommands: ["STARTTLS"] });
    const e = emailIntegration("team-x", 0, conf(server.port, { requireTls: true }), deps(dir()));
    const err = await e.send(xss(), new AbortController().signal).catch((x) => x);
    expect(err.name).toBe("NotifyError");
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(
      /^email: 'require_tls' is true \(default\) but "127\.0\.0\.1:\d+" does not advertise the STARTTLS extension/,
    );
    expect(server.received).toHaveLength(0);
  });

  it("a certificate that is not trusted fails STARTTLS with a hint", async () => {
    const d = dir();
    const cert = makeTestCert(d);
    server = await smtp({ key: cert.key, cert: cert.cert });
    const e = emailIntegration("team-x", 0, conf(server.port, { requireTls: true }), deps(d));
    const err = await e.send(xss(), new AbortController().signal).catch((x) => x);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(
      /^email: TLS with 127\.0\.0\.1:\d+ failed \(is its certificate trusted\?/,
    );
    expect(server.received).toHaveLength(0);
  });

  it("a to field rendering empty is not retried", async () => {
    server = await smtp({ disabledCommands: ["STARTTLS", "AUTH"] });
    const e = emailIntegration(
      "team-x",
      0,
      conf(server.port, { to: "{{ .CommonLabels.nobody }}" }),
      deps(dir()),
    );
    const err = await e.send(xss(), new AbortController().signal).catch((x) => x);
    expect(err.name).toBe("NotifyError");
    expect(err.retryable).toBe(false);
    expect(server.received).toHaveLength(0);
  });

  it("drops resolved alerts when send_resolved is false", async () => {
    server = await smtp({ disabledCommands: ["STARTTLS", "AUTH"] });
    const e = emailIntegration("team-x", 0, conf(server.port), deps(dir()));
    await e.send(context([alert({ alertname: "Down" }, "resolved")]), new AbortController().signal);
    expect(server.received).toHaveLength(0);
  });
});
