import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCert } from "../../../lib/test-cert.js";
import { runBuiltin, validate } from "./test-helpers.js";

function listen(server: {
  listen(port: number, host: string, cb: () => void): unknown;
  address(): unknown;
}): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: { close(cb: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
  });
}

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const s = createTcpServer();
  const port = await listen(s);
  await close(s);
  return port;
}

function handler(
  req: { url?: string },
  res: { writeHead(s: number, h?: Record<string, string>): void; end(b?: string): void },
): void {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("status: healthy\nversion: 1.2.3\n");
  } else if (req.url === "/big") {
    res.writeHead(200);
    res.end(`${"x".repeat(3 << 20)}needle`);
  } else {
    res.writeHead(503);
    res.end("down for maintenance");
  }
}

describe("tcp", () => {
  it("is OK connecting to a listening port and CRITICAL on a closed one", async () => {
    const server = createTcpServer((sock) => sock.end());
    const port = await listen(server);
    try {
      const ok = await runBuiltin("tcp", { host: "127.0.0.1", port, warn_ms: 5000, crit_ms: 9000 });
      expect(ok.status).toBe(0);
      expect(ok.output).toMatch(
        new RegExp(`^TCP OK: connected to 127.0.0.1:${port} in [\\d.]+ ms$`),
      );
      expect(ok.perfdata[0]).toMatchObject({
        label: "time",
        uom: "s",
        warn: "5",
        crit: "9",
        min: 0,
      });
    } finally {
      await close(server);
    }
    const closed = await closedPort();
    const bad = await runBuiltin("tcp", { host: "127.0.0.1", port: closed });
    expect(bad.status).toBe(2);
    expect(bad.output).toContain(
      `TCP CRITICAL: cannot connect to 127.0.0.1:${closed}: connection refused (ECONNREFUSED)`,
    );
  });

  it("validates", () => {
    expect(validate("tcp", { host: "x", port: 70000 })[0]).toMatch(
      /^port: got 70000; want at most 65535/,
    );
    expect(validate("tcp", { port: 22 })[0]).toBe("host: is required");
  });
});

describe("http", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createHttpServer(handler);
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  afterAll(async () => {
    await close(server);
  });

  it("matches status and body", async () => {
    const ok = await runBuiltin("http", {
      url: `${base}/health`,
      expect_status: 200,
      body_regex: "status: healthy",
    });
    expect(ok.status).toBe(0);
    expect(ok.output).toMatch(new RegExp(`^HTTP OK: GET ${base}/health: status 200 in \\d+ ms$`));
    expect(ok.perfdata.map((d) => d.label)).toEqual(["time", "size"]);
  });

  it("is CRITICAL on an unexpected status or a body that does not match", async () => {
    const down = await runBuiltin("http", { url: `${base}/other` });
    expect(down.status).toBe(2);
    expect(down.output).toBe(`HTTP CRITICAL: GET ${base}/other: status 503, want 200-399`);
    const ranged = await runBuiltin("http", {
      url: `${base}/other`,
      expect_status: ["200-299", 503],
    });
    expect(ranged.status).toBe(0);
    const body = await runBuiltin("http", {
      url: `${base}/health`,
      body_regex: "status: (sick|dead)",
    });
    expect(body.status).toBe(2);
    expect(body.output).toBe(
      `HTTP CRITICAL: GET ${base}/health: body does not match /status: (sick|dead)/`,
    );
  });

  it("reads at most 1 MiB of the body", async () => {
    const r = await runBuiltin("http", { url: `${base}/big`, body_regex: "needle" });
    expect(r.status).toBe(2);
    expect(r.perfdata.find((d) => d.label === "size")?.value).toBe(1 << 20);
  });

  it("is CRITICAL when the server does not answer in time", async () => {
    // Accepts the connection and never answers.
    const sockets: Socket[] = [];
    const silent = createTcpServer((sock) => {
      sockets.push(sock);
    });
    const port = await listen(silent);
    try {
      const r = await runBuiltin("http", { url: `http://127.0.0.1:${port}/`, timeout_ms: 300 });
      expect(r.status).toBe(2);
      expect(r.output).toBe(
        `HTTP CRITICAL: GET http://127.0.0.1:${port}/ failed: no complete answer within 300 ms`,
      );
    } finally {
      for (const sock of sockets) sock.destroy();
      await close(silent);
    }
  });

  it("is CRITICAL when nothing listens", async () => {
    const r = await runBuiltin("http", { url: `http://127.0.0.1:${await closedPort()}/` });
    expect(r.status).toBe(2);
    expect(r.output).toContain("ECONNREFUSED");
  });

  it("validates", () => {
    expect(validate("http", { url: "ftp://x/" })[0]).toMatch(/^url: .*http:\/\/ or https:\/\//);
    expect(validate("http", { url: "http://x/", expect_status: "2xx" })[0]).toMatch(
      /^expect_status: got "2xx"/,
    );
    expect(validate("http", { url: "http://x/", method: "FETCH" })[0]).toMatch(
      /^method: got "FETCH"/,
    );
    expect(
      validate("http", { url: "http://x/", cert_warn_days: 7, cert_crit_days: 14 })[0],
    ).toMatch(/^cert_warn_days: got 7, below cert_crit_days 14/);
  });
});

describe("http over TLS", () => {
  let dir: string;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "reddot-builtin-tls-"));
    const { key, cert } = makeTestCert(dir);
    server = createHttpsServer({ key, cert }, handler);
    base = `https://localhost:${await listen(server)}`;
  });
  afterAll(async () => {
    await close(server);
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses a self-signed certificate unless told to skip verification", async () => {
    const r = await runBuiltin("http", { url: `${base}/health` });
    expect(r.status).toBe(2);
    expect(r.output).toMatch(/self[- ]signed certificate/i);
  });

  it("reads the days until the certificate expires", async () => {
    const ok = await runBuiltin("http", {
      url: `${base}/health`,
      insecure_skip_verify: true,
      cert_warn_days: 3,
      cert_crit_days: 1,
    });
    expect(ok.status).toBe(0);
    expect(ok.output).toMatch(/certificate expires in (4\.\d|5\.0) days$/);
    const days = ok.perfdata.find((d) => d.label === "cert_days_left");
    expect(days).toMatchObject({ warn: "3:", crit: "1:" });
    expect(days?.value).toBeGreaterThan(4);
    expect(days?.value).toBeLessThanOrEqual(5);
    const warn = await runBuiltin("http", {
      url: `${base}/health`,
      insecure_skip_verify: true,
      cert_warn_days: 30,
      cert_crit_days: 3,
    });
    expect(warn.status).toBe(1);
    expect(warn.output).toMatch(/^HTTP WARNING: GET .*: certificate expires in [\d.]+ days \(/);
    const crit = await runBuiltin("http", {
      url: `${base}/health`,
      insecure_skip_verify: true,
      cert_warn_days: 30,
      cert_crit_days: 7,
    });
    expect(crit.status).toBe(2);
  });
});
