/**
 * The real server process: malformed remote-write bodies are refused with 400
 * and write nothing; everything acknowledged with 204 survives SIGKILL.
 */
import { compressSync } from "snappy";
import { afterAll, describe, expect, it } from "vitest";
import { encodeWriteRequest } from "../../src/ingest/index.js";
import { labelsFromRecord } from "../../src/storage/index.js";
import { exportSeries } from "./support/export.js";
import { removeDir, startReddot, type TestProcess } from "./support/processes.js";

const procs: TestProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const p of procs) await p.stop("SIGKILL");
  for (const d of dirs) removeDir(d);
});

async function post(url: string, body: Buffer): Promise<Response> {
  return fetch(`${url}/api/v1/write`, {
    method: "POST",
    headers: { "content-type": "application/x-protobuf", "content-encoding": "snappy" },
    body,
  });
}

describe("reddot server process", () => {
  it("answers malformed remote-write bodies with 400 and writes nothing", async () => {
    const s = await startReddot();
    procs.push(s.proc);
    dirs.push(s.dataDir);
    const good = encodeWriteRequest([
      { labels: labelsFromRecord({ __name__: "ok_metric" }), ts: [1000], vs: [1] },
    ]);
    const bodies: [string, Buffer][] = [
      ["bad snappy", Buffer.from("not snappy")],
      ["bad protobuf", compressSync(Buffer.from([0x0a, 0x05, 0x0a, 0x03, 0x0a, 0x01]))],
      ["truncated", compressSync(Buffer.from([0x0a, 0x20, 0x0a]))],
      [
        "garbage after a valid request",
        compressSync(
          Buffer.concat([Buffer.from(compressSync(Buffer.alloc(0))), Buffer.from([0xff, 0xff])]),
        ),
      ],
    ];
    for (const [what, body] of bodies) {
      const r = await post(s.url, body);
      expect(r.status, what).toBe(400);
      const j = (await r.json()) as { status: string; errorType: string };
      expect(j.status, what).toBe("error");
    }
    const series = await (
      await fetch(`${s.url}/api/v1/series?match[]={__name__=~".+",job!="reddot"}`)
    ).json();
    expect((series as { data: unknown[] }).data).toEqual([]);
    expect((await post(s.url, good)).status).toBe(204);
  });

  it("keeps every acknowledged sample across kill -9", async () => {
    const first = await startReddot();
    procs.push(first.proc);
    dirs.push(first.dataDir);
    const hosts = Array.from({ length: 20 }, (_, i) =>
      labelsFromRecord({ __name__: "durable", host: `h${i}` }),
    );
    let acked = 0;
    const start = Date.now() - 3_600_000;
    // Write batches until killed; remember how many were acknowledged.
    const writer = (async () => {
      for (let b = 0; b < 100_000; b++) {
        const body = encodeWriteRequest(
          hosts.map((labels) => ({ labels, ts: [start + b * 1000], vs: [b] })),
        );
        let r: Response;
        try {
          r = await post(first.url, body);
        } catch {
          return; // the server is gone
        }
        if (r.status !== 204) return;
        acked = b + 1;
      }
    })();
    while (acked < 300) await new Promise((r) => setTimeout(r, 20));
    await first.proc.stop("SIGKILL");
    await writer;
    const second = await startReddot([], first.dataDir);
    procs.push(second.proc);
    const lines = await exportSeries(second.url, "durable");
    expect(lines).toHaveLength(20);
    for (const l of lines) {
      expect(l.timestamps.length).toBeGreaterThanOrEqual(acked);
      for (let b = 0; b < acked; b++) {
        expect(l.timestamps[b]).toBe(start + b * 1000);
        expect(l.values[b]).toBe(b);
      }
    }
  });
});
