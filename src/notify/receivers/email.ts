import nodemailer from "nodemailer";
import type { EmailConfig } from "../../config/index.js";
import { integration, notificationData } from "./data.js";
import { scrub } from "./http.js";
import { readSecretFile, secretValue } from "./secrets.js";
import { type BuildDeps, type Integration, NotifyError } from "./types.js";

/** Alertmanager's defaults (config/notifiers.go DefaultEmailConfig), plus a text part. */
export const EMAIL_DEFAULTS = {
  subject: '{{ template "email.default.subject" . }}',
  html: '{{ template "email.default.html" . }}',
  text: '{{ template "email.default.text" . }}',
} as const;

/** tls_config files (CA, client cert and key) are read up to this size. */
const MAX_TLS_FILE_BYTES = 64 * 1024;
const CONNECT_TIMEOUT_MS = 30_000;
const SOCKET_TIMEOUT_MS = 60_000;

/** `host:port` or `[v6]:port`; the port is required, as in Alertmanager. */
export function parseSmarthost(smarthost: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(smarthost);
  const port = m ? Number(m[3]) : 0;
  if (!m || port < 1 || port > 65535) {
    throw new NotifyError(`email: smarthost "${smarthost}" is not host:port`, false);
  }
  return { host: m[1] ?? m[2] ?? "", port };
}

interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  rejectUnauthorized: boolean;
}

async function tlsOptions(
  configDir: string,
  tls: Record<string, unknown> | undefined,
): Promise<TlsOptions> {
  const c = tls ?? {};
  const str = (k: string) =>
    typeof c[k] === "string" && c[k] !== "" ? (c[k] as string) : undefined;
  const file = async (k: string) => {
    const f = str(k);
    return f === undefined
      ? undefined
      : readSecretFile(configDir, f, `tls_config.${k}`, MAX_TLS_FILE_BYTES);
  };
  const out: TlsOptions = { rejectUnauthorized: c.insecure_skip_verify !== true };
  const ca = str("ca") ?? (await file("ca_file"));
  const cert = str("cert") ?? (await file("cert_file"));
  const key = str("key") ?? (await file("key_file"));
  if (ca !== undefined) out.ca = ca;
  if (cert !== undefined) out.cert = cert;
  if (key !== undefined) out.key = key;
  const sn = str("server_name");
  if (sn !== undefined) out.servername = sn;
  return out;
}

function classify(e: unknown, conf: EmailConfig, secrets: string[]): NotifyError {
  if (e instanceof NotifyError) return e;
  const err = e as { message?: string; code?: string; responseCode?: number };
  const msg = scrub(String(err.message ?? e), secrets);
  if (err.code === "ETLS" && conf.requireTls) {
    // nodemailer sends STARTTLS even when not advertised; a refusal means the server has none.
    if (/^Error upgrading connection with STARTTLS/.test(msg)) {
      return new NotifyError(
        `email: 'require_tls' is true (default) but "${conf.smarthost}" does not advertise the STARTTLS extension (set require_tls: false to send unencrypted)`,
        false,
      );
    }
  }
  if ((err.code === "ETLS" && conf.requireTls) || /certificate|self.signed|altname/i.test(msg)) {
    return new NotifyError(
      `email: TLS with ${conf.smarthost} failed (is its certificate trusted? set tls_config.ca_file or server_name): ${msg}`,
      false,
    );
  }
  // EENVELOPE: no recipient or sender (a `to` rendering empty); EAUTH: credentials refused.
  if (err.code === "EAUTH" || err.code === "EENVELOPE") {
    return new NotifyError(`email: ${conf.smarthost}: ${msg}`, false);
  }
  // SMTP 5xx replies are permanent; 4xx and connection trouble are worth another try.
  const permanent = typeof err.responseCode === "number" && err.responseCode >= 500;
  return new NotifyError(`email: ${conf.smarthost}: ${msg}`, !permanent, err.responseCode);
}

interface SmtpAuth {
  user: string;
  pass: string;
  method?: string;
}

/** As Alertmanager: PLAIN or LOGIN with a password; else CRAM-MD5 with the secret; none without a username. */
async function smtpAuth(configDir: string, conf: EmailConfig): Promise<SmtpAuth | undefined> {
  const user = conf.authUsername;
  if (user === undefined || user === "") return undefined;
  if (conf.authPassword !== undefined || conf.authPasswordFile !== undefined) {
    const pass = await secretValue(
      configDir,
      conf.authPassword,
      conf.authPasswordFile,
      "auth_password",
    );
    return { user, pass };
  }
  if (conf.authSecret !== undefined || conf.authSecretFile !== undefined) {
    const pass = await secretValue(configDir, conf.authSecret, conf.authSecretFile, "auth_secret");
    return { user, pass, method: "CRAM-MD5" };
  }
  return undefined;
}

export function emailIntegration(
  receiver: string,
  index: number,
  conf: EmailConfig,
  deps: BuildDeps,
): Integration {
  return integration({
    receiver,
    kind: "email",
    index,
    sendResolved: conf.sendResolved,
    async deliver(ctx, alerts, signal) {
      const data = notificationData(ctx, alerts);
      const now = deps.now;
      const t = (text: string) => deps.templates.render(text, data, { now });
      const { host, port } = parseSmarthost(conf.smarthost);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(conf.headers)) headers[k] = await t(v);
      const subject = headers.Subject ?? (await t(EMAIL_DEFAULTS.subject));
      // The envelope goes to the `to` and `from` fields; headers may show other text.
      const envelope = { to: await t(conf.to), from: await t(conf.from) };
      const to = headers.To ?? envelope.to;
      const from = headers.From ?? envelope.from;
      delete headers.Subject;
      delete headers.To;
      delete headers.From;
      const html = await deps.templates.render(conf.html ?? EMAIL_DEFAULTS.html, data, {
        html: true,
        now,
      });
      const text = await t(conf.text ?? EMAIL_DEFAULTS.text);

      const auth = await smtpAuth(deps.configDir, conf);
      const secrets = auth ? [auth.pass] : [];
      if (signal.aborted) throw new NotifyError("email: aborted", false);
      const transport = nodemailer.createTransport({
        host,
        port,
        // Alertmanager: port 465 is implicit TLS; otherwise STARTTLS only when require_tls.
        secure: port === 465,
        requireTLS: conf.requireTls && port !== 465,
        ignoreTLS: !conf.requireTls,
        name: conf.hello,
        auth,
        tls: await tlsOptions(deps.configDir, conf.tlsConfig),
        connectionTimeout: CONNECT_TIMEOUT_MS,
        greetingTimeout: CONNECT_TIMEOUT_MS,
        socketTimeout: SOCKET_TIMEOUT_MS,
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      const onAbort = () => transport.close();
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        await transport.sendMail({
          envelope,
          from,
          to,
          subject,
          headers,
          text,
          html,
          date: new Date((now ?? Date.now)()),
        });
      } catch (e) {
        if (signal.aborted) throw new NotifyError("email: aborted", false);
        throw classify(e, conf, secrets);
      } finally {
        signal.removeEventListener("abort", onAbort);
        transport.close();
      }
    },
  });
}
