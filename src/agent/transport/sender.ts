/**
 * Delivers the agent's reports to the server: each report is serialised to
 * JSON, gzipped and appended to the spool (durable), then POSTed oldest first.
 * A batch leaves the spool only when the server answered 2xx (acked) or
 * refused it for good (4xx other than 401, 403, 408 and 429: moved aside as
 * `*.rejected`, its error logged). Anything else — connection refused,
 * timeout, 401/403 (a token problem), 408, 429, 5xx, a redirect — stops the flush with the batch kept,
 * so order is preserved and `run` retries after a backoff.
 *
 * The token goes only into the Authorization header; it is never logged and
 * never part of an error message.
 */
import { promisify } from "node:util";
import { gzip as gzipCb } from "node:zlib";
import { ReddotError } from "../../lib/errors.js";
import { Backoff, type BackoffOptions } from "./backoff.js";
import type { Spool } from "./spool.js";
import { type AgentFetch, type AgentResponse, agentFetch } from "./tls-fetch.js";

const gzip = promisify(gzipCb);

/** Bytes of a refusal's body kept for the log. */
const MAX_ERROR_TEXT = 1024;

/** Sender settings. */
export interface SenderOptions {
  /** The server's agent endpoint, http: or https:. */
  readonly url: string;
  /** The agent's token, sent as `Authorization: Bearer <token>`. */
  readonly token: string;
  readonly spool: Spool;
  /** Gzip bodies (Content-Encoding: gzip); true unless a test wants plain JSON. */
  readonly gzip?: boolean;
  /** Time allowed for one POST, response included (ms). */
  readonly timeoutMs: number;
  /** Largest serialised (uncompressed) JSON report accepted by `enqueue`. */
  readonly maxBatchBytes: number;
  /** fetch implementation; the global fetch by default. */
  readonly fetchImpl?: AgentFetch;
  /** Retry delays for `run`; 1 s doubling up to 30 s by default. */
  readonly backoff?: BackoffOptions;
  /** How long `run` idles when the spool is empty and nothing is enqueued (ms); 5 s by default. */
  readonly idleMs?: number;
  /** Log sink for delivery problems; a JSON line on stderr by default. */
  readonly log?: (message: string, fields: Readonly<Record<string, unknown>>) => void;
}

/** Outcome of one flush. */
export interface FlushResult {
  /** Batches acknowledged by the server. */
  readonly sent: number;
  /** Batches still in the spool. */
  readonly pending: number;
  /** Batches the server refused for good during this flush. */
  readonly rejected: number;
  /** Why the flush stopped early (server unreachable, 5xx, ...); absent when the spool was emptied. */
  readonly error?: string;
}

type Attempt =
  | { kind: "ok" }
  | { kind: "reject"; status: number; text: string }
  | { kind: "retry"; why: string };

/** Pushes spooled reports to the server. */
export class Sender {
  readonly #url: URL;
  readonly #token: string;
  readonly #spool: Spool;
  readonly #gzip: boolean;
  readonly #timeoutMs: number;
  readonly #maxBatchBytes: number;
  readonly #fetch: AgentFetch;
  readonly #backoff: Backoff;
  readonly #idleMs: number;
  readonly #log: (message: string, fields: Readonly<Record<string, unknown>>) => void;
  /** Wakes `run` from its idle wait when a report is enqueued. */
  #wake: (() => void) | undefined;
  /** Flushes run one at a time. */
  #flushing: Promise<FlushResult> | undefined;
  #sent = 0;
  #failures = 0;

  constructor(opts: SenderOptions) {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new ReddotError(
        "RD_AGENT_SEND_OPTIONS",
        500,
        `agent server URL ${JSON.stringify(opts.token ? opts.url.replaceAll(opts.token, "<token>") : opts.url)} is not a URL`,
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new ReddotError(
        "RD_AGENT_SEND_OPTIONS",
        500,
        `agent server URL has scheme ${url.protocol}; want http: or https:`,
      );
    }
    if (url.username !== "" || url.password !== "") {
      throw new ReddotError(
        "RD_AGENT_SEND_OPTIONS",
        500,
        "agent server URL carries credentials; give the token with --token-file or REDDOT_AGENT_TOKEN instead",
      );
    }
    if (opts.token === "" || /[\r\n]/.test(opts.token)) {
      throw new ReddotError(
        "RD_AGENT_SEND_OPTIONS",
        500,
        "agent token is empty or contains a line break",
      );
    }
    if (!(opts.timeoutMs > 0) || !(opts.maxBatchBytes > 0)) {
      throw new ReddotError(
        "RD_AGENT_SEND_OPTIONS",
        500,
        `sender: timeoutMs ${opts.timeoutMs}, maxBatchBytes ${opts.maxBatchBytes}; want both above 0`,
      );
    }
    this.#url = url;
    this.#token = opts.token;
    this.#spool = opts.spool;
    this.#gzip = opts.gzip ?? true;
    this.#timeoutMs = opts.timeoutMs;
    this.#maxBatchBytes = opts.maxBatchBytes;
    this.#fetch = opts.fetchImpl ?? agentFetch();
    // A 30 s cap keeps a host's data at most ~30 s late once its server is back
    // (its keepalive turns green again quickly); one small POST per host every
    // 30 s is no load on a server that is down.
    this.#backoff = new Backoff(opts.backoff ?? { baseMs: 1000, capMs: 30_000 });
    this.#idleMs = opts.idleMs ?? 5000;
    this.#log = opts.log ?? defaultLog;
  }

  /** Counts since this sender was made: batches delivered, and delivery attempts that failed. */
  stats(): { readonly sent: number; readonly failures: number } {
    return { sent: this.#sent, failures: this.#failures };
  }

  /** Serialises, compresses and durably spools one report; it is sent by the next flush. */
  async enqueue(report: object): Promise<void> {
    const json = Buffer.from(JSON.stringify(report), "utf8");
    if (json.length > this.#maxBatchBytes) {
      throw new ReddotError(
        "RD_AGENT_BATCH_TOO_LARGE",
        500,
        `agent report is ${json.length} bytes of JSON; maxBatchBytes is ${this.#maxBatchBytes}`,
      );
    }
    const body = this.#gzip ? await gzip(json) : json;
    await this.#spool.append(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    this.#wake?.();
  }

  /**
   * Sends spooled batches oldest first until the spool is empty or a send
   * fails (the failed batch stays first in line). Concurrent calls share one flush.
   */
  flush(): Promise<FlushResult> {
    if (this.#flushing === undefined) {
      this.#flushing = this.#flushOnce().finally(() => {
        this.#flushing = undefined;
      });
    }
    return this.#flushing;
  }

  /**
   * Flushes in a loop until `signal` aborts: after a failure waits a jittered
   * exponential backoff, after a success waits for the next enqueue (or
   * `idleMs`). Resolves once aborted; never rejects for delivery problems.
   */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let r: FlushResult;
      try {
        r = await this.flush();
      } catch (e) {
        // Spool I/O failures (disk full, ...): logged and retried like a send failure.
        const msg = e instanceof Error ? e.message : String(e);
        r = { sent: 0, pending: this.#spool.stats().files, rejected: 0, error: msg };
        this.#log("agent spool error", { error: msg });
      }
      if (r.error === undefined) {
        this.#backoff.reset();
        await this.#idle(signal);
      } else {
        const delay = this.#backoff.next();
        this.#log("agent report delivery failed; retrying", {
          error: r.error,
          pending: r.pending,
          retryInMs: delay,
          attempt: this.#backoff.attempt,
        });
        await sleep(delay, signal);
      }
    }
  }

  async #flushOnce(): Promise<FlushResult> {
    let sent = 0;
    let rejected = 0;
    for (;;) {
      const batch = await this.#spool.peek();
      if (batch === undefined) return { sent, rejected, pending: 0 };
      const r = await this.#post(batch.data);
      if (r.kind === "ok") {
        await this.#spool.ack(batch.id);
        sent++;
        this.#sent++;
      } else if (r.kind === "reject") {
        await this.#spool.reject(batch.id);
        rejected++;
        this.#log("agent report refused by the server; moved aside", {
          batch: `${batch.id}.batch.rejected`,
          spool: this.#spool.dir,
          status: r.status,
          error: r.text,
        });
      } else {
        this.#failures++;
        return { sent, rejected, pending: this.#spool.stats().files, error: r.why };
      }
    }
  }

  async #post(body: Uint8Array): Promise<Attempt> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      authorization: `Bearer ${this.#token}`,
    };
    if (this.#gzip) headers["content-encoding"] = "gzip";
    let res: AgentResponse;
    try {
      res = await this.#fetch(this.#url, {
        method: "POST",
        headers,
        body,
        // A redirect would resend the token elsewhere: treat it as a failure.
        redirect: "error",
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      return { kind: "retry", why: `POST ${this.#url.href}: ${describeFetchError(e)}` };
    }
    // The server's text is logged: make sure it cannot echo the token back into the log.
    const text = (await readBounded(res, MAX_ERROR_TEXT)).replaceAll(this.#token, "<token>");
    if (res.status >= 200 && res.status < 300) return { kind: "ok" };
    if (res.status === 401 || res.status === 403) {
      // A wrong or revoked token is a setup mistake, not a bad report: keep
      // everything spooled so it is delivered once the token is fixed.
      return {
        kind: "retry",
        why: `POST ${this.#url.href}: HTTP ${res.status}: the server refused the agent's token (fix --token-file or the server's agents.tokens)`,
      };
    }
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
      return { kind: "reject", status: res.status, text };
    }
    return {
      kind: "retry",
      why: `POST ${this.#url.href}: HTTP ${res.status}${text ? `: ${text}` : ""}`,
    };
  }

  #idle(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.#idleMs);
      signal.addEventListener("abort", done, { once: true });
      this.#wake = done;
    });
  }
}

/** Reads at most `max` bytes of a response body as text, then stops reading (the rest is dropped). */
async function readBounded(res: AgentResponse, max: number): Promise<string> {
  if (res.body === null) return "";
  const chunks: Uint8Array[] = [];
  let n = 0;
  try {
    for await (const chunk of res.body) {
      chunks.push(chunk);
      n += chunk.length;
      if (n >= max) break; // leaving the loop destroys the rest of the body
    }
  } catch {
    // A body cut short still leaves the status, which is what decides; the text is only for the log.
  }
  return Buffer.concat(chunks).toString("utf8", 0, Math.min(n, max)).trim();
}

/** fetch's TypeError says only "fetch failed"; the useful part (ECONNREFUSED, ...) is in its cause. */
function describeFetchError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  if (e.name === "TimeoutError") return "timed out";
  const cause = (e as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${e.message} (${code})` : `${e.message} (${cause.message})`;
  }
  return e.message;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

function defaultLog(message: string, fields: Readonly<Record<string, unknown>>): void {
  process.stderr.write(`${JSON.stringify({ level: "warn", msg: message, ...fields })}\n`);
}
