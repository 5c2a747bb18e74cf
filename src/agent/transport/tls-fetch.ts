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

/** What the agent's HTTP client takes: a subset of fetch's RequestInit. */
export interface AgentRequestInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly signal?: AbortSignal;
  /** Accepted for fetch compatibility; redirects are never followed. */
  readonly redirect?: "error" | "manual" | "follow";
}

/** What it answers: the status and the body's bytes (read it to the end, or stop reading). */
export interface AgentResponse {
  readonly status: number;
  readonly body: AsyncIterable<Uint8Array> | null;
}

/** The agent's HTTP client: fetch's shape without the WHATWG classes. */
export type AgentFetch = (url: string | URL, init?: AgentRequestInit) => Promise<AgentResponse>;

function httpsAgent(opts: TlsFetchOptions): https.Agent {
  // Giving `ca` replaces Node's trust store, so the bundled roots are given again.
  const ca = opts.ca === undefined ? undefined : [...rootCertificates, opts.ca];
  return new https.Agent({
    keepAlive: true,
    ...(ca === undefined ? {} : { ca }),
    ...(opts.insecureSkipVerify === true ? { rejectUnauthorized: false } : {}),
  });
}

/** One request over node:http(s); resolves on the response head. */
function send(
  agent: https.Agent,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
  signal: AbortSignal | undefined,
): Promise<http.IncomingMessage> {
  const secure = url.protocol === "https:";
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      url,
      { method, headers, ...(secure ? { agent } : {}), signal },
      resolve,
    );
    // The same shapes global fetch rejects with (the signal's reason, such as
    // AbortSignal.timeout's TimeoutError, when aborted), so callers' error reporting keeps working.
    req.on("error", (e) => {
      if (signal?.aborted === true) reject(signal.reason);
      else reject(e.name === "AbortError" ? e : new TypeError("fetch failed", { cause: e }));
    });
    req.end(body);
  });
}

/**
 * The agent's client (reports, check list): node:http(s) only. Unlike
 * fetch or tlsFetch it never touches Headers, Response or fetch, whose first
 * use loads undici and compiles its WebAssembly HTTP parser: about 13 MB of
 * RSS, a fifth of the agent's (docs/agent.md, "Footprint").
 */
export function agentFetch(opts: TlsFetchOptions = {}): AgentFetch {
  const agent = httpsAgent(opts);
  return async (input, init = {}) => {
    const method = init.method ?? "GET";
    const res = await send(
      agent,
      new URL(input),
      method,
      { ...init.headers },
      init.body,
      init.signal,
    );
    const status = res.statusCode ?? 0;
    if (status === 204 || status === 304 || method === "HEAD") {
      res.resume();
      return { status, body: null };
    }
    return { status, body: res };
  };
}

/** A fetch function that trusts `opts.ca` (plus the system CAs) for https: URLs. */
export function tlsFetch(opts: TlsFetchOptions): typeof fetch {
  const agent = httpsAgent(opts);
  const impl = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    const body = init.body;
    if (body !== undefined && body !== null && typeof body !== "string" && !isBytes(body)) {
      throw new TypeError("tlsFetch: body must be a string or bytes");
    }
    const res = await send(
      agent,
      url,
      init.method ?? "GET",
      headerRecord(init.headers),
      body ?? undefined,
      init.signal ?? undefined,
    );
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (typeof v === "string") headers.set(k, v);
      else if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    }
    const status = res.statusCode ?? 0;
    // Response refuses a body on these statuses.
    const noBody = status === 204 || status === 304 || init.method === "HEAD";
    if (noBody) res.resume();
    return new Response(noBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
      status,
      statusText: res.statusMessage,
      headers,
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
