import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it, vi } from "vitest";
import { labelsFromRecord, type Storage, type StoredSeries } from "../../storage/index.js";
import { buildServer } from "../server.js";
import { testApiDeps } from "../testing.js";

// The export streams series after the handler returns: its querier must stay
// open until the stream ends, and be closed however the stream ends.

interface Counts {
  opened: number;
  closed: number;
}

function storageWith(series: StoredSeries[], counts: Counts, selectThrows = false): Storage {
  return {
    appender: () => {
      throw new Error("BUG: no appends in this test");
    },
    querier: (mint, maxt) => {
      counts.opened++;
      return {
        mint,
        maxt,
        select: () => {
          if (selectThrows) throw new Error("select failed");
          return series;
        },
        labelNames: () => [],
        labelValues: () => [],
        close: () => {
          counts.closed++;
        },
      };
    },
  };
}

const one = (instance: string, read: () => void = () => undefined): StoredSeries => ({
  labels: labelsFromRecord({ __name__: "up", instance }),
  samples: () => {
    read();
    return { ts: new Float64Array([1000]), vs: new Float64Array([1]), length: 1 };
  },
});

let app: FastifyInstance | null = null;

afterEach(async () => {
  await app?.close();
  app = null;
});

function serve(storage: Storage): FastifyInstance {
  app = buildServer(testApiDeps(storage));
  return app;
}

describe("GET /api/v1/export", () => {
  it("keeps the querier open while streaming and closes it at the end", async () => {
    const counts = { opened: 0, closed: 0 };
    const openWhileReading: number[] = [];
    const seen = () => openWhileReading.push(counts.opened - counts.closed);
    const res = await serve(storageWith([one("a", seen), one("b", seen)], counts)).inject({
      url: "/api/v1/export?match[]=up",
    });
    expect(res.statusCode).toBe(200);
    expect(res.body.trim().split("\n")).toHaveLength(2);
    expect(openWhileReading).toEqual([1, 1]);
    // The stream emits 'close' just after its end.
    await vi.waitFor(() => expect(counts).toEqual({ opened: 1, closed: 1 }));
  });

  it("closes the querier when reading a series fails mid-stream", async () => {
    const counts = { opened: 0, closed: 0 };
    const boom = () => {
      throw new Error("chunk gone");
    };
    const server = serve(storageWith([one("a"), one("b", boom)], counts));
    await server.inject({ url: "/api/v1/export?match[]=up" }).catch(() => undefined);
    await vi.waitFor(() => expect(counts).toEqual({ opened: 1, closed: 1 }));
  });

  it("closes the querier when the select fails", async () => {
    const counts = { opened: 0, closed: 0 };
    const res = await serve(storageWith([], counts, true)).inject({
      url: "/api/v1/export?match[]=up",
    });
    expect(res.statusCode).toBe(500);
    expect(counts).toEqual({ opened: 1, closed: 1 });
  });
});
