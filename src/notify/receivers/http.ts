import { redactURL } from "./secrets.js";
import { NotifyError } from "./types.js";

/** Response bodies are read up to this many bytes (for error messages and Slack's "ok"). */
export const MAX_RESPONSE_BYTES = 64 * 1024;
/** Timeout when the config sets none (Alertmanager's `timeout: 0` means none; reddot bounds it). */
export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;
/** Error messages quote at most this much of a response body. */
const MAX_QUOTED_BODY = 256;

export interface PostOptions {
  fetchImpl?: typeof fetch;
  signal: AbortSignal;
  /** 0 = DEFAULT_HTTP_TIMEOUT_MS. */
  timeoutMs: number;
  /** Values scrubbed from any error text (tokens, keys). */
  secrets?: readonly string[];
  /** Names the integration in errors, e.g. "webhook". */
  what: string;
  /** Extra request headers (Authorization from http_config). */
  headers?: Record<string, string>;
}

export interface PostResult {
  status: number;
  contentType: string;
  body: string;
}

/** Replaces each secret in `text` with <redacted>. */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("<redacted>");
  return out;
}

/** Path segments, query values and userinfo of a URL: where webhook tokens sit. */
export function urlParts(url: string): string[] {
  try {
    const u = new URL(url);
    const parts = [u.pathname, u.search, u.username, u.password];
    for (const seg of u.pathname.split("/")) parts.push(seg, decodeURIComponent(seg));
    for (const v of u.searchParams.values()) parts.push(v);
    return parts.filter((p) => p.length >= 4).sort((a, b) => b.length - a.length);
  } catch {
    return [];
  }
}

/** fetch refuses URLs with user:password@; they become a Basic Authorization header. */
function withoutCredentials(url: string): { url: string; headers: Record<string, string> } {
  const u = new URL(url);
  if (u.username === "" && u.password === "") return { url, headers: {} };
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  u.username = "";
  u.password = "";
  const token = Buffer.from(`${user}:${pass}`).toString("base64");
  return { url: u.toString(), headers: { authorization: `Basic ${token}` } };
}

async function readBounded(res: Response): Promise<string> {
  if (res.body === null) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  try {
    while (n < MAX_RESPONSE_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      n += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString("utf8");
}

/**
 * POSTs `body` as JSON, never following redirects (they could carry a token
 * elsewhere), with a timeout, reading at most MAX_RESPONSE_BYTES of the answer.
 * 2xx returns; 429 and 5xx, network errors and timeouts throw a retryable
 * NotifyError; other statuses a non-retryable one. Messages name the host only.
 */
export async function postJSON(url: string, body: unknown, opts: PostOptions): Promise<PostResult> {
  const doFetch = opts.fetchImpl ?? fetch;
  const timeout = AbortSignal.timeout(
    opts.timeoutMs > 0 ? opts.timeoutMs : DEFAULT_HTTP_TIMEOUT_MS,
  );
  const signal = AbortSignal.any([opts.signal, timeout]);
  const where = redactURL(url);
  if (!/^https?:\/\/[^/]/i.test(url) || !URL.canParse(url)) {
    throw new NotifyError(`${opts.what}: ${where} is not an http(s) URL`, false);
  }
  const secrets = [url, ...urlParts(url), ...(opts.secrets ?? [])];
  let res: Response;
  let text: string;
  try {
    const target = withoutCredentials(url);
    res = await doFetch(target.url, {
      method: "POST",
      headers: {
        ...target.headers,
        ...opts.headers,
        "content-type": "application/json",
        "user-agent": "reddot",
      },
      body: JSON.stringify(body),
      redirect: "manual",
      signal,
    });
    text = await readBounded(res);
  } catch (e) {
    if (opts.signal.aborted) throw new NotifyError(`${opts.what}: aborted`, false);
    if (timeout.aborted) throw new NotifyError(`${opts.what}: ${where}: timed out`, true);
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : String(e);
    throw new NotifyError(`${opts.what}: ${where}: ${scrub(cause, secrets)}`, true);
  }
  const status = res.status;
  if (status >= 200 && status < 300) {
    return { status, contentType: res.headers.get("content-type") ?? "", body: text };
  }
  const quoted = scrub(text.slice(0, MAX_QUOTED_BODY), secrets).trim();
  const detail = quoted === "" ? "" : `: ${quoted}`;
  if (status >= 300 && status < 400) {
    throw new NotifyError(
      `${opts.what}: ${where} answered a redirect (${status}), which reddot does not follow`,
      false,
      status,
    );
  }
  const retryable = status === 429 || status >= 500;
  throw new NotifyError(
    `${opts.what}: ${where} answered status ${status}${detail}`,
    retryable,
    status,
  );
}
