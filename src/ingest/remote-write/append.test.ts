import { describe, expect, it } from "vitest";
import type { Appender, CommitResult, Labels } from "../../storage/index.js";
import { appendWriteRequest } from "./append.js";
import { decodeWriteRequest } from "./decode.js";
import { encodeWriteRequest } from "./encode.js";

/**
 * A small in-memory store with the Appender contract: refs are issued per
 * label set; a ref it no longer holds, passed without labels, is answered 0.
 */
class MemoryStore {
  readonly samples = new Map<number, [number, number][]>();
  readonly byKey = new Map<string, number>();
  readonly labelsOf = new Map<number, Labels>();
  nextRef = 1;
  /** Every append call: ref passed, number of labels passed. */
  readonly calls: [number, number][] = [];

  forget(ref: number): void {
    const labels = this.labelsOf.get(ref);
    if (labels) this.byKey.delete(JSON.stringify(labels));
    this.labelsOf.delete(ref);
  }

  appender(): Appender {
    const pending: [number, number, number][] = [];
    return {
      append: (ref, labels, t, v) => {
        this.calls.push([ref, labels.length]);
        if (ref === 0 || !this.labelsOf.has(ref)) {
          if (labels.length === 0) return 0;
          const key = JSON.stringify(labels);
          ref = this.byKey.get(key) ?? 0;
          if (ref === 0) {
            ref = this.nextRef++;
            this.byKey.set(key, ref);
            this.labelsOf.set(ref, labels);
          }
        }
        pending.push([ref, t, v]);
        return ref;
      },
      commit: async (): Promise<CommitResult> => {
        for (const [ref, t, v] of pending) {
          const list = this.samples.get(ref) ?? [];
          list.push([t, v]);
          this.samples.set(ref, list);
        }
        return { accepted: pending.length, refused: {} };
      },
      rollback: () => {
        pending.length = 0;
      },
    };
  }
}

const A: Labels = [
  { name: "__name__", value: "cpu" },
  { name: "core", value: "0" },
];
const B: Labels = [
  { name: "__name__", value: "cpu" },
  { name: "core", value: "1" },
];

function request(t: number) {
  return decodeWriteRequest(
    encodeWriteRequest([
      { labels: A, ts: [t, t + 1], vs: [1, 2] },
      { labels: B, ts: [t], vs: [3] },
    ]),
  );
}

describe("appendWriteRequest", () => {
  it("appends every sample and learns refs, then appends known series by ref alone", async () => {
    const store = new MemoryStore();
    const cache = new Map<string, number>();

    const app1 = store.appender();
    expect(appendWriteRequest(app1, request(1000), cache)).toBe(3);
    await app1.commit();
    expect(store.calls).toEqual([
      [0, 2],
      [1, 0],
      [0, 2],
    ]);
    expect(cache.size).toBe(2);

    store.calls.length = 0;
    const app2 = store.appender();
    expect(appendWriteRequest(app2, request(2000), cache)).toBe(3);
    await app2.commit();
    // Known series: refs only, no labels.
    expect(store.calls).toEqual([
      [1, 0],
      [1, 0],
      [2, 0],
    ]);
    expect(store.samples.get(1)).toEqual([
      [1000, 1],
      [1001, 2],
      [2000, 1],
      [2001, 2],
    ]);
    expect(store.samples.get(2)).toEqual([
      [1000, 3],
      [2000, 3],
    ]);
  });

  it("falls back to labels when the store no longer knows a cached ref", async () => {
    const store = new MemoryStore();
    const cache = new Map<string, number>();
    const app1 = store.appender();
    appendWriteRequest(app1, request(1000), cache);
    await app1.commit();

    store.forget(1);
    store.calls.length = 0;
    const app2 = store.appender();
    expect(appendWriteRequest(app2, request(2000), cache)).toBe(3);
    await app2.commit();
    expect(store.calls).toEqual([
      [1, 0],
      [0, 2],
      [3, 0],
      [2, 0],
    ]);
    expect([...cache.values()].sort()).toEqual([2, 3]);
    expect(store.samples.get(3)).toEqual([
      [2000, 1],
      [2001, 2],
    ]);
  });
});
