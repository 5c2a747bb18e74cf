import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentFetch } from "./tls-fetch.js";

const execFileP = promisify(execFile);

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url === "/empty") {
        res.writeHead(204).end();
        return;
      }
      res.writeHead(req.url === "/missing" ? 404 : 200, { "content-type": "text/plain" });
      res.end(`${req.method} ${req.headers["x-test"] ?? ""} ${Buffer.concat(chunks).toString()}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function text(body: AsyncIterable<Uint8Array> | null): Promise<string> {
  if (body === null) return "";
  const chunks: Uint8Array[] = [];
  for await (const c of body) chunks.push(c);
  return Buffer.concat(chunks).toString();
}

describe("agentFetch", () => {
  it("sends method, headers and body, and answers the status and the body's bytes", async () => {
    const f = agentFetch();
    const res = await f(`${base}/x`, {
      method: "POST",
      headers: { "x-test": "yes" },
      body: new TextEncoder().encode("hello"),
    });
    expect(res.status).toBe(200);
    expect(await text(res.body)).toBe("POST yes hello");
    const missing = await f(`${base}/missing`);
    expect(missing.status).toBe(404);
    expect(await text(missing.body)).toBe("GET  ");
    expect(await f(`${base}/empty`)).toEqual({ status: 204, body: null });
  });

  it("rejects like fetch: TypeError with the cause, or the abort signal's reason", async () => {
    const f = agentFetch();
    const refused = await f("http://127.0.0.1:1/").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect(((refused as TypeError).cause as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", () => resolve()));
    try {
      const port = (silent.address() as AddressInfo).port;
      const err = await f(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(50) }).catch(
        (e: unknown) => e,
      );
      expect((err as Error).name).toBe("TimeoutError");
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("never loads undici: works in a Node without WebAssembly (--jitless), where fetch cannot", async () => {
    const module = fileURLToPath(new URL("./tls-fetch.ts", import.meta.url));
    const script = [
      `const { agentFetch } = await import(${JSON.stringify(module)});`,
      `const res = await agentFetch()(${JSON.stringify(`${base}/x`)}, { method: "PUT", body: "b" });`,
      "let s = ''; for await (const c of res.body) s += c;",
      "console.log(res.status, s);",
    ].join("\n");
    const { stdout } = await execFileP(
      process.execPath,
      ["--jitless", "--no-warnings", "--import", "tsx", "--input-type=module", "-e", script],
      { timeout: 30_000 },
    );
    expect(stdout.trim()).toBe("200 PUT  b");
  });
});
