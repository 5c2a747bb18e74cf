import http from "node:http";
import https from "node:https";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { fetchTarget, ScrapeFetchError } from "./fetch-target.js";

const agents = {
  http: new http.Agent({ keepAlive: true }),
  https: new https.Agent({ keepAlive: true }),
};
let server: net.Server | undefined;

afterEach(async () => {
  agents.http.destroy();
  const s = server;
  server = undefined;
  if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()));
});

/**
 * A raw TCP server speaking just enough HTTP/1.1: it answers the first request
 * of each connection with keep-alive, and resets the connection when a second
 * request arrives on it — what a server closing an idle connection at the
 * moment the client reuses it looks like.
 */
async function resettingServer(): Promise<{ address: string; connections: () => number }> {
  let connections = 0;
  const s = net.createServer((sock) => {
    connections++;
    let requests = 0;
    let buf = "";
    sock.on("data", (d) => {
      buf += d.toString("latin1");
      while (buf.includes("\r\n\r\n")) {
        buf = buf.slice(buf.indexOf("\r\n\r\n") + 4);
        requests++;
        if (requests > 1) {
          sock.resetAndDestroy();
          return;
        }
        const body = "m 1\n";
        sock.write(
          `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n${body}`,
        );
      }
    });
    sock.on("error", () => sock.destroy());
  });
  server = s;
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${(s.address() as net.AddressInfo).port}`,
    connections: () => connections,
  };
}

describe("fetchTarget", () => {
  it("retries once on a reset of a reused keep-alive connection", async () => {
    const srv = await resettingServer();
    const opts = { timeout: 5000, bodySizeLimit: 0, agents };
    const url = `http://${srv.address}/metrics`;
    expect((await fetchTarget(url, opts)).text).toBe("m 1\n");
    // Reuses the kept-alive socket, gets a reset, retries on a new connection.
    expect((await fetchTarget(url, opts)).text).toBe("m 1\n");
    expect(srv.connections()).toBe(2);
  });

  it("reports a refused connection as a network error naming the URL", async () => {
    const srv = await resettingServer();
    const url = `http://${srv.address}/metrics`;
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    const err = await fetchTarget(url, { timeout: 5000, bodySizeLimit: 0, agents }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ScrapeFetchError);
    expect((err as ScrapeFetchError).message).toMatch(new RegExp(`GET ${url}: .*ECONNREFUSED`));
  });
});
