/** Test helpers: a local HTTP server that records requests and answers from a script. */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { NotificationAlert } from "../../template/index.js";
import type { NotifyContext } from "./types.js";

export interface Captured {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  json: unknown;
}

export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface CaptureServer {
  url: string;
  requests: Captured[];
  close(): Promise<void>;
}

/** Answers request n with answers[n] (the last one repeats); default 200 "ok". */
export async function captureServer(answers: Answer[] = [{ status: 200 }]): Promise<CaptureServer> {
  const requests: Captured[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body,
        json,
      });
      const a = answers[Math.min(requests.length - 1, answers.length - 1)] ?? { status: 200 };
      res.writeHead(a.status, { "content-type": "text/plain", ...a.headers });
      res.end(a.body ?? "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 600);

export function alert(
  labels: Record<string, string>,
  status: "firing" | "resolved" = "firing",
  extra: Partial<NotificationAlert> = {},
): NotificationAlert {
  return {
    status,
    labels,
    annotations: { summary: `summary of ${labels.alertname ?? "?"}` },
    startsAt: T0,
    endsAt: status === "resolved" ? T0 + 60_000 : 0,
    generatorURL: "http://reddot.example/graph?g0.expr=up",
    fingerprint: "0123456789abcdef",
    ...extra,
  };
}

export function context(alerts: NotificationAlert[]): NotifyContext {
  return {
    receiver: "team-x",
    groupKey: '{}:{alertname="Down"}',
    groupLabels: { alertname: "Down" },
    alerts,
    externalURL: "http://reddot.example:8080",
  };
}
