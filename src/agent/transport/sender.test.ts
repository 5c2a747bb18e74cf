import { readdir } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isReddotError } from "../../lib/errors.js";
import { Sender } from "./sender.js";
import { Spool } from "./spool.js";
import { makeTmp, removeTmp } from "./testdata/fixtures.js";

const TOKEN = "s3cret-token-4b1d";
/** Request bodies the test server accepts at most (bounded read). */
const MAX_BODY = 1 << 20;

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly report: { n: number; [k: string]: unknown };
  readonly status: number;
}

/**
 * A real HTTP server on loopback that records every request (gunzipped and
 * parsed) and answers with the status `answer` picks.
 */
class TestServer {
  readonly received: Received[] = [];
  answer: (report: Received["report"], nth: number) => { status: number; body?: string } = () => ({
    status: 204,
  });
  #server: Server | undefined;
  port = 0;

  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) req.destroy();
        else chunks.push(c);
      });
      req.on("end", () => {
        const raw = Buffer.concat(chunks);
        const body = req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
        const report = JSON.parse(body.toString("utf8")) as Received["report"];
        const { status, body: text } = this.answer(report, this.received.length);
        this.received.push({ headers: req.headers, report, status });
        res.writeHead(status, { "content-type": "text/plain" }).end(text ?? "");
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.#server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Reports answered 2xx, in arrival order. */
  delivered(): number[] {
    return this.received.filter((r) => r.status < 300).map((r) => r.report.n);
  }
}

let dir: string;
let server: TestServer;
let logs: string[];
beforeEach(async () => {
  dir = await makeTmp();
  server = new TestServer();
  await server.start();
  logs = [];
});
afterEach(async () => {
  await server.stop();
  await removeTmp(dir);
});

async function makeSender(): Promise<{ sender: Sender; spool: Spool }> {
  const spool = await Spool.open(dir, { maxBytes: 1 << 20 });
  const sender = new Sender({
    url: `http://127.0.0.1:${server.port}/api/v1/agent/report`,
    token: TOKEN,
    spool,
    gzip: true,
    timeoutMs: 10_000,
    maxBatchBytes: 64 * 1024,
    backoff: { baseMs: 10, capMs: 100 },
    idleMs: 50,
    log: (msg, fields) => logs.push(`${msg} ${JSON.stringify(fields)}`),
  });
  return { sender, spool };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("Sender", () => {
  it("POSTs gzipped JSON with the bearer token and acks on 2xx", async () => {
    const { sender, spool } = await makeSender();
    for (const n of range(3))
      await sender.enqueue({ n, host: "web1", samples: [{ name: "node_load1", v: n }] });
    expect(await sender.flush()).toEqual({ sent: 3, pending: 0, rejected: 0 });
    expect(server.received.map((r) => r.report)).toEqual(
      range(3).map((n) => ({ n, host: "web1", samples: [{ name: "node_load1", v: n }] })),
    );
    const h = server.received[0]?.headers;
    expect(h?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(h?.["content-encoding"]).toBe("gzip");
    expect(h?.["content-type"]).toBe("application/json");
    expect(spool.stats().files).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it("keeps everything spooled while the server is down, then delivers all in order exactly once", async () => {
    const { sender, spool } = await makeSender();
    const port = server.port;
    await server.stop();
    for (const n of range(5)) await sender.enqueue({ n });
    const down = await sender.flush();
    expect(down).toMatchObject({ sent: 0, pending: 5 });
    expect(down.error).toContain("ECONNREFUSED");
    expect(down.error).not.toContain(TOKEN);
    expect(spool.stats().files).toBe(5);
    // More reports while down, then a restart on the same port.
    for (const n of range(5)) await sender.enqueue({ n: n + 5 });
    await server.start(port);
    expect(await sender.flush()).toEqual({ sent: 10, pending: 0, rejected: 0 });
    expect(server.delivered()).toEqual(range(10));
    expect(server.received.length).toBe(10);
  });

  it("moves a batch refused with 400 aside, logs the server's reason, and never resends it", async () => {
    const { sender, spool } = await makeSender();
    server.answer = (r) =>
      r.bad ? { status: 400, body: "bad report: samples[0].v is not a number" } : { status: 200 };
    await sender.enqueue({ n: 0 });
    await sender.enqueue({ n: 1, bad: true });
    await sender.enqueue({ n: 2 });
    expect(await sender.flush()).toEqual({ sent: 2, pending: 0, rejected: 1 });
    expect(await sender.flush()).toEqual({ sent: 0, pending: 0, rejected: 0 });
    expect(server.received.map((r) => r.report.n)).toEqual([0, 1, 2]);
    expect(server.delivered()).toEqual([0, 2]);
    expect(spool.stats()).toMatchObject({ files: 0, rejected: 1 });
    expect(await readdir(dir)).toEqual(["0000000000000002.batch.rejected"]);
    expect(logs).toEqual([expect.stringContaining("bad report: samples[0].v is not a number")]);
    expect(logs.join("\n")).toContain('"status":400');
  });

  for (const status of [503, 429, 408, 401, 403]) {
    it(`keeps the batch on ${status} and retries it, preserving order`, async () => {
      const { sender } = await makeSender();
      // The first two attempts fail, every later one succeeds.
      server.answer = (_r, nth) => (nth < 2 ? { status, body: "busy" } : { status: 202 });
      for (const n of range(3)) await sender.enqueue({ n });
      const first = await sender.flush();
      expect(first).toMatchObject({ sent: 0, pending: 3 });
      expect(first.error).toContain(`HTTP ${status}`);
      expect(await sender.flush()).toMatchObject({ sent: 0, pending: 3 });
      expect(await sender.flush()).toEqual({ sent: 3, pending: 0, rejected: 0 });
      expect(server.received.map((r) => r.report.n)).toEqual([0, 0, 0, 1, 2]);
      expect(server.delivered()).toEqual([0, 1, 2]);
    });
  }

  it("run() retries with backoff through an outage and delivers everything once the server is back", async () => {
    const { sender, spool } = await makeSender();
    const port = server.port;
    await server.stop();
    const ctl = new AbortController();
    const running = sender.run(ctl.signal);
    for (const n of range(4)) await sender.enqueue({ n });
    // Wait (bounded) until the loop has failed at least twice against the dead port.
    await until(() => logs.filter((l) => l.includes("ECONNREFUSED")).length >= 2);
    await server.start(port);
    for (const n of range(4)) await sender.enqueue({ n: n + 4 });
    await until(() => server.delivered().length >= 8);
    ctl.abort();
    await running;
    expect(server.delivered()).toEqual(range(8));
    expect(spool.stats().files).toBe(0);
    expect(logs.join("\n")).not.toContain(TOKEN);
  });

  it("gives up on a POST after timeoutMs and keeps the batch", async () => {
    // A server that accepts the connection and never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", () => resolve()));
    try {
      const spool = await Spool.open(dir, { maxBytes: 1 << 20 });
      const port = (silent.address() as AddressInfo).port;
      const sender = new Sender({
        url: `http://127.0.0.1:${port}/`,
        token: TOKEN,
        spool,
        timeoutMs: 200,
        maxBatchBytes: 1000,
      });
      await sender.enqueue({ n: 0 });
      const r = await sender.flush();
      expect(r).toMatchObject({ sent: 0, pending: 1, error: expect.stringContaining("timed out") });
      expect(r.error).not.toContain(TOKEN);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("refuses a report above maxBatchBytes before spooling it", async () => {
    const { sender, spool } = await makeSender();
    const err = await sender.enqueue({ n: 0, pad: "x".repeat(70_000) }).catch((e: unknown) => e);
    expect(isReddotError(err) && err.code).toBe("RD_AGENT_BATCH_TOO_LARGE");
    expect(spool.stats().files).toBe(0);
  });

  it("rejects bad settings without echoing the token", async () => {
    const spool = await Spool.open(dir, { maxBytes: 1 << 20 });
    const base = {
      url: "http://127.0.0.1:1/",
      token: TOKEN,
      spool,
      timeoutMs: 1000,
      maxBatchBytes: 1000,
    };
    for (const bad of [
      { ...base, url: "not a url" },
      { ...base, url: `${TOKEN} not a url` },
      { ...base, url: "ftp://example.com/" },
      { ...base, url: `http://agent:${TOKEN}@127.0.0.1:1/` },
      { ...base, token: "" },
      { ...base, token: `${TOKEN}\r\nX-Evil: 1` },
      { ...base, timeoutMs: 0 },
    ]) {
      let err: unknown;
      try {
        new Sender(bad);
      } catch (e) {
        err = e;
      }
      expect(isReddotError(err) && err.code).toBe("RD_AGENT_SEND_OPTIONS");
      expect((err as Error).message).not.toContain(TOKEN);
    }
  });
});

/** Polls `cond` until true; fails after 30 s (a bound on the wait, not a timing assertion). */
async function until(cond: () => boolean): Promise<void> {
  for (let waited = 0; !cond(); waited += 10) {
    if (waited > 30_000) throw new Error("condition not met within 30 s");
    await new Promise((r) => setTimeout(r, 10));
  }
}
