/** The two HTTP calls the comparison makes: remote write and the query API. */

/** What a query endpoint answered: HTTP status and the parsed JSON envelope (if it was JSON). */
export interface ApiAnswer {
  readonly status: number;
  readonly body: ApiBody | undefined;
  /** Raw text, kept for messages when the body is not JSON. */
  readonly text: string;
}

/** Prometheus's JSON envelope (docs: prometheus.io/docs/prometheus/latest/querying/api). */
export interface ApiBody {
  readonly status: "success" | "error";
  readonly data?: { readonly resultType: string; readonly result: unknown };
  readonly errorType?: string;
  readonly error?: string;
  readonly warnings?: readonly string[];
}

/** POSTs remote-write 1.0 bodies in order, one at a time; throws on a non-2xx answer. */
export async function remoteWrite(base: string, bodies: readonly Buffer[]): Promise<void> {
  for (const body of bodies) {
    const r = await fetch(`${base}/api/v1/write`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-protobuf",
        "Content-Encoding": "snappy",
        "X-Prometheus-Remote-Write-Version": "0.1.0",
      },
      body,
    });
    if (r.status < 200 || r.status > 299) {
      throw new Error(`POST ${base}/api/v1/write answered ${r.status}: ${await r.text()}`);
    }
  }
}

/** GET /api/v1/query or /api/v1/query_range with form parameters. */
export async function queryApi(
  base: string,
  path: "query" | "query_range",
  params: Record<string, string>,
): Promise<ApiAnswer> {
  const r = await fetch(`${base}/api/v1/${path}?${new URLSearchParams(params)}`);
  const text = await r.text();
  let body: ApiBody | undefined;
  try {
    body = JSON.parse(text) as ApiBody;
  } catch {
    body = undefined;
  }
  return { status: r.status, body, text };
}
