/**
 * The HTTP side of a scrape: one GET with a deadline, gzip accepted, the
 * uncompressed body size capped while it streams (Prometheus checks
 * body_size_limit on the uncompressed body too), headers as Prometheus sends
 * them (scrape/scrape.go, targetScraper).
 */
import http from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { formatDuration } from "../lib/duration.js";

/**
 * Prefers OpenMetrics 1.0.0, then 0.0.1, then the text format 0.0.4, then
 * anything (our own q-values; Prometheus sends the same order).
 */
export const SCRAPE_ACCEPT =
  "application/openmetrics-text;version=1.0.0;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5," +
  "text/plain;version=0.0.4;q=0.4,*/*;q=0.1";

/** Body size limit when the config says 0. */
export const DEFAULT_BODY_SIZE_LIMIT = 64 * 1024 * 1024;

/** Why a fetch failed; the message is what the status API shows as lastError. */
export class ScrapeFetchError extends Error {
  constructor(
    message: string,
    readonly kind: "timeout" | "body_size" | "http_status" | "network",
  ) {
    super(message);
    this.name = "ScrapeFetchError";
  }
}

/** A fetched exposition. */
export interface FetchedBody {
  readonly text: string;
  readonly contentType: string | undefined;
  /** Uncompressed bytes. */
  readonly bytes: number;
}

/** Fetch options. */
export interface FetchOptions {
  /** Milliseconds for the whole exchange, body included. */
  readonly timeout: number;
  /** Bytes of uncompressed body; 0 = DEFAULT_BODY_SIZE_LIMIT. */
  readonly bodySizeLimit: number;
  /** Keep-alive agents, shared by the loops of a manager. */
  readonly agents?: { http: http.Agent; https: https.Agent };
  readonly userAgent?: string;
}

/** GETs `url` and returns its body as text; rejects with ScrapeFetchError. */
export async function fetchTarget(url: string, opts: FetchOptions): Promise<FetchedBody> {
  const deadline = Date.now() + opts.timeout;
  try {
    return await fetchOnce(url, opts, opts.timeout);
  } catch (e) {
    if (!(e instanceof RetryableError)) throw e;
    // A kept-alive connection the server closed just as we reused it: the
    // request never reached the server, so one retry is safe (Node's http
    // docs recommend it; Go's client, which Prometheus uses, does the same).
    const left = deadline - Date.now();
    if (left <= 0) throw e.reported;
    return await fetchOnce(url, opts, left);
  }
}

/** A reset on a reused keep-alive socket before any response. */
class RetryableError extends Error {
  constructor(readonly reported: ScrapeFetchError) {
    super(reported.message);
  }
}

function fetchOnce(url: string, opts: FetchOptions, timeout: number): Promise<FetchedBody> {
  const limit = opts.bodySizeLimit > 0 ? opts.bodySizeLimit : DEFAULT_BODY_SIZE_LIMIT;
  const secure = url.startsWith("https:");
  const get = secure ? https.get : http.get;
  return new Promise<FetchedBody>((resolve, reject) => {
    let settled = false;
    let responded = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err: Error | null, body?: FetchedBody) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err !== null) {
        req.destroy();
        reject(err);
      } else resolve(body as FetchedBody);
    };
    const req = get(
      url,
      {
        agent: secure ? opts.agents?.https : opts.agents?.http,
        headers: {
          Accept: SCRAPE_ACCEPT,
          "Accept-Encoding": "gzip",
          "User-Agent": opts.userAgent ?? "reddot",
          "X-Prometheus-Scrape-Timeout-Seconds": String(opts.timeout / 1000),
        },
      },
      (res) => {
        responded = true;
        if (res.statusCode !== 200) {
          res.resume();
          const status = `${res.statusCode} ${res.statusMessage ?? ""}`.trimEnd();
          finish(new ScrapeFetchError(`server returned HTTP status ${status}`, "http_status"));
          return;
        }
        const gzip = (res.headers["content-encoding"] ?? "").toLowerCase() === "gzip";
        const stream: Readable = gzip ? res.pipe(createGunzip()) : res;
        const chunks: Buffer[] = [];
        let bytes = 0;
        stream.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > limit) {
            stream.destroy();
            const msg = `body size limit exceeded: uncompressed body larger than ${limit} bytes (body_size_limit)`;
            finish(new ScrapeFetchError(msg, "body_size"));
            return;
          }
          chunks.push(chunk);
        });
        stream.on("error", (e: Error) =>
          finish(new ScrapeFetchError(`reading body: ${e.message}`, "network")),
        );
        stream.on("end", () =>
          finish(null, {
            text: Buffer.concat(chunks, bytes).toString("utf8"),
            contentType: res.headers["content-type"],
            bytes,
          }),
        );
      },
    );
    req.on("error", (e: NodeJS.ErrnoException) => {
      const err = new ScrapeFetchError(`GET ${url}: ${e.message}`, "network");
      const reset = req.reusedSocket && e.code === "ECONNRESET" && !responded;
      finish(reset ? new RetryableError(err) : err);
    });
    // A deadline for the whole exchange, not an idle timeout: a slow trickle
    // of bytes must not keep a scrape past its scrape_timeout.
    timer = setTimeout(() => {
      const msg = `scrape timed out: no complete response within ${formatDuration(opts.timeout)} (scrape_timeout)`;
      finish(new ScrapeFetchError(msg, "timeout"));
    }, timeout);
    timer.unref();
  });
}
