/**
 * `npm start` shows the user's own host: the server on the quickstart config
 * starts a local agent, whose host metrics and default checks arrive over the
 * agent endpoint within a few report intervals.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, removeDir, startReddot, type TestProcess } from "./support/processes.js";

const QUICKSTART = join(import.meta.dirname, "../../examples/quickstart");

let server: { proc: TestProcess; url: string; dataDir: string };

beforeAll(async () => {
  server = await startReddot(["--config", QUICKSTART], undefined, { agent: true });
}, 60_000);

afterAll(async () => {
  await server?.proc.stop();
  if (server) removeDir(server.dataDir);
});

async function query(
  url: string,
  q: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await r.json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return body.data.result;
}

describe("quickstart server with its local agent", () => {
  it("stores this host's metrics with node_exporter names", async () => {
    const rows = await eventually(
      "node_load1 from the local agent",
      async () => {
        const r = await query(server.url, 'node_load1{job="reddot-agent"}');
        return r.length > 0 ? r : undefined;
      },
      60_000,
    );
    expect(rows[0]?.metric.host).toBeTruthy();
    const fs = await query(server.url, 'node_filesystem_size_bytes{mountpoint="/"}');
    expect(fs.length).toBe(1);
  }, 90_000);

  it("runs the default role's checks and lists the host", async () => {
    const checks = await eventually(
      "a status for each check of the default role",
      async () => {
        const r = await query(server.url, "reddot_check_status");
        const names = new Set(r.map((x) => x.metric.check));
        const all = ["root_disk", "readonly_mounts", "load", "memory"].every((c) => names.has(c));
        return all ? r : undefined;
      },
      90_000,
    );
    for (const c of checks) expect(["0", "1", "2", "3"]).toContain(c.value[1]);
    const hosts = (await (await fetch(`${server.url}/api/v1/hosts`)).json()) as {
      data: { host: string; roles: string[] }[];
    };
    expect(hosts.data).toHaveLength(1);
    expect(hosts.data[0]?.roles).toEqual(["default"]);
  }, 120_000);
});
