/**
 * A `fetch` for HTTPS servers whose certificate the system's CA store does not
 * vouch for: a private CA (`reddot agent --ca-file`), or the server's own
 * certificate when the server talks to itself over loopback. Node 20's global
 * fetch cannot take a CA per call, so this one is built on node:https. It
 * covers what the agent uses: method, headers, a byte or text body, an abort
 * signal; redirects are never followed (the caller sees the 3xx).
 */
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { rootCertificates } from "node:tls";

export interface TlsFetchOptions {
  /** PEM certificates trusted in addition to the system's CA store. */
  readonly ca?: string;
  /**
   * Skip certificate verification. Only for the server's own agent talking to
   * the socket the same process is listening on, over loopback.
   */
  readonly insecureSkipVerify?: boolean;
}

/** A fetch function that trusts `opts.ca` (plus the system CAs) for https: URLs. */
export function tlsFetch(opts: TlsFetchOptions): typeof fetch {
  // Giving `ca` replaces Node's trust store, so the bundled roots are given again.
  const ca = opts.ca === undefined ? undefined : [...rootCertificates, opts.ca];
  const agent = new https.Agent({
    keepAlive: true,
    ...(ca === undefined ? {} : { ca }),
    ...(opts.insecureSkipVerify === true ? { rejectUnauthorized: false } : {}),
  });
  const impl = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    const secure = url.protocol === "https:";
    const body = init.body;
    if (body !== undefined && body !== null && typeof body !== "string" && !isBytes(body)) {
      return Promise.reject(new TypeError("tlsFetch: body must be a string or bytes"));
    }
    return new Promise<Response>((resolve, reject) => {
      const req = (secure ? https : http).request(
        url,
        {
          method: init.method ?? "GET",
          headers: headerRecord(init.headers),
          ...(secure ? { agent } : {}),
          signal: init.signal ?? undefined,
        },
        (res) => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (typeof v === "string") headers.set(k, v);
            else if (Array.isArray(v)) for (const x of v) headers.append(k, x);
          }
          const status = res.statusCode ?? 0;
          // Response refuses a body on these statuses.
          const noBody = status === 204 || status === 304 || init.method === "HEAD";
          if (noBody) res.resume();
          resolve(
            new Response(noBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
              status,
              statusText: res.statusMessage,
              headers,
            }),
          );
        },
      );
      // The same shape global fetch rejects with, so callers' error reporting keeps working.
      req.on("error", (e) =>
        reject(e.name === "AbortError" ? e : new TypeError("fetch failed", { cause: e })),
      );
      req.end(body ?? undefined);
    });
  };
  return impl as typeof fetch;
}

function isBytes(b: unknown): b is Uint8Array {
  return b instanceof Uint8Array;
}

function headerRecord(h: RequestInit["headers"]): Record<string, string> {
  if (h === undefined) return {};
  if (h instanceof Headers) return Object.fromEntries(h.entries());
  if (Array.isArray(h)) return Object.fromEntries(h);
  return { ...(h as Record<string, string>) };
}
