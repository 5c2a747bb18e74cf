/**
 * reddot.yaml `tls`: the server serves HTTPS only; its own agent and its
 * self-scrape still work over loopback; a renewed certificate is served after
 * a reload; unusable files stop the start with a clear error.
 */
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { connect } from "node:tls";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { tlsFetch } from "./agent/index.js";
import { makeTestCert } from "./lib/test-cert.js";
import { type RunningServer, startServer } from "./main.js";

const dirs: string[] = [];
const servers: RunningServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "reddot-tls-"));
  dirs.push(d);
  return d;
}

async function start(configDir: string, agent: boolean): Promise<RunningServer> {
  const s = await startServer({
    configDir,
    listen: "127.0.0.1:0",
    dataDir: join(tempDir(), "data"),
    agent,
    out: new Writable({ write: (_c, _e, cb) => cb() }),
    logger: pino({ level: "silent" }),
  });
  servers.push(s);
  return s;
}

/** SHA-256 of the certificate a fresh TLS connection to `url` is served. */
function servedFingerprint(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: hostname, port: Number(port), rejectUnauthorized: false },
      () => {
        resolve(socket.getPeerCertificate().fingerprint256);
        socket.end();
      },
    );
    socket.on("error", reject);
  });
}

function pemFingerprint(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
  const hex = createHash("sha256").update(der).digest("hex").toUpperCase();
  return hex.match(/../g)?.join(":") ?? "";
}

async function eventually<T>(what: string, f: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("server over HTTPS", () => {
  it("serves HTTPS only, with its local agent and self-scrape working, and renews its certificate on reload", async () => {
    const dir = tempDir();
    const certs = tempDir();
    const first = makeTestCert(certs, "first");
    copyFileSync(first.certFile, join(certs, "cert.pem"));
    copyFileSync(first.keyFile, join(certs, "key.pem"));
    writeFileSync(
      join(dir, "reddot.yaml"),
      [
        "tls:",
        `  cert_file: ${join(certs, "cert.pem")}`,
        `  key_file: ${join(certs, "key.pem")}`,
        "scrape:",
        "  self:",
        "    interval: 1s",
        "",
      ].join("\n"),
    );
    const s = await start(dir, true);
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

    // Trusted through the CA given, refused by a client that does not know it, and no plain HTTP.
    const trusting = tlsFetch({ ca: first.cert });
    expect((await trusting(`${s.url}/-/healthy`)).status).toBe(200);
    await expect(fetch(`${s.url}/-/healthy`)).rejects.toThrow();
    await expect(fetch(`${s.url.replace("https:", "http:")}/-/healthy`)).rejects.toThrow();

    const query = async (q: string) => {
      const r = await trusting(`${s.url}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = (await r.json()) as { data: { result: { value: [number, string] }[] } };
      return body.data.result;
    };
    await eventually("the local agent's metrics", async () =>
      (await query('node_load1{job="reddot-agent"}')).length > 0 ? true : undefined,
    );
    await eventually("the self-scrape", async () =>
      (await query('up{job="reddot"} == 1')).length === 1 ? true : undefined,
    );

    // A renewed certificate is served to new connections after a reload.
    expect(await servedFingerprint(s.url)).toBe(pemFingerprint(first.cert));
    const second = makeTestCert(certs, "second");
    copyFileSync(second.certFile, join(certs, "cert.pem"));
    copyFileSync(second.keyFile, join(certs, "key.pem"));
    const r = await s.reload();
    expect(r.restartNeeded).toEqual([]);
    expect(await servedFingerprint(s.url)).toBe(pemFingerprint(second.cert));
  }, 60_000);

  it("refuses to start with a key that does not belong to the certificate, naming the files", async () => {
    const dir = tempDir();
    const certs = tempDir();
    const a = makeTestCert(certs, "a");
    const b = makeTestCert(certs, "b");
    writeFileSync(
      join(dir, "reddot.yaml"),
      `tls:\n  cert_file: ${a.certFile}\n  key_file: ${b.keyFile}\n`,
    );
    await expect(start(dir, false)).rejects.toThrow(/RD_TLS_FILES|do not make a usable pair/);
    const missing = tempDir();
    writeFileSync(
      join(missing, "reddot.yaml"),
      `tls:\n  cert_file: ${join(missing, "nope.pem")}\n  key_file: ${b.keyFile}\n`,
    );
    await expect(start(missing, false)).rejects.toThrow(
      /tls\.cert_file .*nope\.pem: cannot read it \(ENOENT\)/,
    );
  });
});
