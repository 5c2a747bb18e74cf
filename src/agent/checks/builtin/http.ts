/**
 * `http`: one request with node:http/https (no redirects followed): status,
 * a regular expression searched in the first MiB of the body, latency to the
 * end of that read, and for https the days until the peer certificate expires.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { TLSSocket } from "node:tls";
import type { CheckStatus, PerfDatum } from "../../types.js";
import type { BuiltinImpl } from "./builtin.js";
import type { Params } from "./params.js";
import { above, below, innerTimeout, perf, why, worst } from "./result.js";

/** Body bytes read for body_regex; the rest is discarded. */
const MAX_BODY = 1 << 20;
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]);

/** Inclusive status ranges. */
type StatusRanges = readonly (readonly [number, number])[];

interface HttpParams {
  readonly url: URL;
  readonly method: string;
  readonly expect: StatusRanges;
  readonly expectText: string;
  readonly bodyRegex: RegExp | undefined;
  readonly timeoutMs: number | undefined;
  readonly warnMs: number | undefined;
  readonly critMs: number | undefined;
  readonly certWarnDays: number | undefined;
  readonly certCritDays: number | undefined;
  readonly insecure: boolean;
}

/** expect_status: 200, "200-299", or a list of those. Default 200-399. */
function statusRanges(p: Params): { ranges: StatusRanges; text: string } {
  const v = p.any("expect_status");
  if (v === undefined || v === null) return { ranges: [[200, 399]], text: "200-399" };
  const items = Array.isArray(v) ? v : [v];
  const out: [number, number][] = [];
  for (const it of items) {
    const m = typeof it === "string" ? /^(\d{3})(?:-(\d{3}))?$/.exec(it) : null;
    if (typeof it === "number" && Number.isInteger(it) && it >= 100 && it <= 599)
      out.push([it, it]);
    else if (m && Number(m[1]) <= Number(m[2] ?? m[1]))
      out.push([Number(m[1]), Number(m[2] ?? m[1])]);
    else {
      p.problem(
        "expect_status",
        `got ${JSON.stringify(it)}; want a status code (200), a range ("200-299") or a list of those`,
      );
      return { ranges: [], text: "" };
    }
  }
  if (out.length === 0) p.problem("expect_status", "is an empty list");
  return { ranges: out, text: out.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(", ") };
}

interface Response {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
  readonly certValidTo: string | undefined;
}

function fetchOnce(
  params: HttpParams,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const https = params.url.protocol === "https:";
    const opts = {
      method: params.method,
      agent: false as const,
      headers: { "user-agent": "reddot-agent", connection: "close" },
      ...(https ? { rejectUnauthorized: !params.insecure, servername: params.url.hostname } : {}),
      ...(signal ? { signal } : {}),
    };
    let certValidTo: string | undefined;
    const done = (res: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        if (size < MAX_BODY) chunks.push(c.subarray(0, MAX_BODY - size));
        size += c.length;
        // Enough read: stop the transfer rather than download a huge body.
        if (size >= MAX_BODY) res.destroy();
      });
      const finish = (): void => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString("utf8"),
          ms: performance.now() - t0,
          certValidTo,
        });
      };
      res.once("end", finish);
      res.once("close", finish);
      res.once("error", (e) => {
        if (size >= MAX_BODY) finish();
        else reject(e);
      });
    };
    const req = (https ? httpsRequest : httpRequest)(params.url, opts, done);
    const timer = setTimeout(() => {
      req.destroy(new Error(`no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.once("socket", (s) => {
      s.once("secureConnect", () => {
        const cert = (s as TLSSocket).getPeerCertificate();
        if (cert && typeof cert.valid_to === "string") certValidTo = cert.valid_to;
      });
    });
    req.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}

export const http: BuiltinImpl<HttpParams> = {
  parse(p) {
    const raw = p.string("url", { required: true });
    let url = new URL("http://invalid./");
    if (raw !== undefined) {
      try {
        url = new URL(raw);
        if (url.protocol !== "http:" && url.protocol !== "https:")
          p.problem("url", `got ${JSON.stringify(raw)}; want an http:// or https:// URL`);
      } catch {
        p.problem("url", `got ${JSON.stringify(raw)}; want an absolute http:// or https:// URL`);
      }
    }
    const method = (p.string("method") ?? "GET").toUpperCase();
    if (!METHODS.has(method))
      p.problem("method", `got ${JSON.stringify(method)}; want one of ${[...METHODS].join(", ")}`);
    const { ranges, text } = statusRanges(p);
    const bodyRegex = p.regex("body_regex");
    const timeoutMs = p.number("timeout_ms", { min: 1 });
    const warnMs = p.number("warn_ms", { min: 0 });
    const critMs = p.number("crit_ms", { min: 0 });
    const certWarnDays = p.number("cert_warn_days", { min: 0 });
    const certCritDays = p.number("cert_crit_days", { min: 0 });
    const insecure = p.boolean("insecure_skip_verify") ?? false;
    p.order("warn_ms", warnMs, "crit_ms", critMs);
    p.order("cert_warn_days", certWarnDays, "cert_crit_days", certCritDays, false);
    return {
      url,
      method,
      expect: ranges,
      expectText: text,
      bodyRegex,
      timeoutMs,
      warnMs,
      critMs,
      certWarnDays,
      certCritDays,
      insecure,
    };
  },

  async check(params, spec, ctx) {
    const timeoutMs = innerTimeout(params.timeoutMs, spec.timeoutMs);
    const target = `${params.method} ${params.url.href}`;
    let r: Response;
    try {
      r = await fetchOnce(params, timeoutMs, ctx.signal);
    } catch (e) {
      return { status: 2, output: `HTTP CRITICAL: ${target} failed: ${why(e)}` };
    }
    const problems: string[] = [];
    let status: CheckStatus = 0;
    if (!params.expect.some(([a, b]) => r.status >= a && r.status <= b)) {
      status = 2;
      problems.push(`status ${r.status}, want ${params.expectText}`);
    }
    if (params.bodyRegex !== undefined && !params.bodyRegex.test(r.body)) {
      status = 2;
      problems.push(`body does not match /${params.bodyRegex.source}/`);
    }
    const latency = above(r.ms, params.warnMs, params.critMs);
    if (latency !== 0) problems.push(`slow: ${r.ms.toFixed(0)} ms`);
    status = worst(status, latency);
    const timeExtra: { warn?: number; crit?: number; min: number; max: number } = {
      min: 0,
      max: timeoutMs / 1000,
    };
    if (params.warnMs !== undefined) timeExtra.warn = params.warnMs / 1000;
    if (params.critMs !== undefined) timeExtra.crit = params.critMs / 1000;
    const perfdata: PerfDatum[] = [
      perf("time", r.ms / 1000, "s", timeExtra),
      perf("size", r.body.length, "B", { min: 0 }),
    ];
    let certNote = "";
    if (r.certValidTo !== undefined) {
      const days = (Date.parse(r.certValidTo) - Date.now()) / 86_400_000;
      if (Number.isFinite(days)) {
        const cst = below(days, params.certWarnDays, params.certCritDays);
        const certExtra: { warn?: string; crit?: string } = {};
        if (params.certWarnDays !== undefined) certExtra.warn = `${params.certWarnDays}:`;
        if (params.certCritDays !== undefined) certExtra.crit = `${params.certCritDays}:`;
        perfdata.push(perf("cert_days_left", days, "", certExtra));
        certNote = `, certificate expires in ${days.toFixed(1)} days`;
        if (cst !== 0)
          problems.push(
            days < 0
              ? `certificate expired ${(-days).toFixed(1)} days ago`
              : `certificate expires in ${days.toFixed(1)} days (${r.certValidTo})`,
          );
        status = worst(status, cst);
      }
    }
    const name = ["OK", "WARNING", "CRITICAL"][status];
    const output =
      problems.length > 0
        ? `HTTP ${name}: ${target}: ${problems.join(", ")}`
        : `HTTP OK: ${target}: status ${r.status} in ${r.ms.toFixed(0)} ms${certNote}`;
    return { status, output, perfdata };
  },
};
