import { describe, expect, it } from "vitest";
import { labelsFromRecord } from "../labels.js";
import { newMatcher } from "./matcher.js";
import { MemPostings } from "./mem-postings.js";

const ls = labelsFromRecord;

describe("MemPostings", () => {
  it("indexes series under each label pair", () => {
    const p = new MemPostings();
    p.add(0, ls({ __name__: "up", job: "a" }));
    p.add(1, ls({ __name__: "up", job: "b" }));
    p.add(2, ls({ __name__: "cpu", job: "a", mode: "idle" }));
    expect([...p.get("__name__", "up")]).toEqual([0, 1]);
    expect([...p.get("job", "a")]).toEqual([0, 2]);
    expect([...p.get("job", "zzz")]).toEqual([]);
    expect([...p.get("nope", "a")]).toEqual([]);
    expect([...p.all()]).toEqual([0, 1, 2]);
    expect(p.seriesCount).toBe(3);
    expect(p.labelNames()).toEqual(["__name__", "job", "mode"]);
    expect(p.labelValues("job")).toEqual(["a", "b"]);
    expect(p.labelValues("nope")).toEqual([]);
  });

  it("keeps lists sorted when ids arrive out of order, and ignores re-adds", () => {
    const p = new MemPostings();
    for (const id of [10, 3, 7, 1, 12, 7, 0]) p.add(id, ls({ a: "x", [`b${id % 2}`]: "y" }));
    expect([...p.get("a", "x")]).toEqual([0, 1, 3, 7, 10, 12]);
    expect([...p.get("b1", "y")]).toEqual([1, 3, 7]);
    expect(p.seriesCount).toBe(6);
  });

  it("grows lists far past their initial capacity", () => {
    const p = new MemPostings();
    for (let id = 0; id < 10_000; id++) p.add(id, ls({ a: "x", b: String(id % 3) }));
    const x = p.get("a", "x");
    expect(x.length).toBe(10_000);
    expect(x.every((v, i) => v === i)).toBe(true);
    expect(p.get("b", "2").length).toBe(3333);
  });

  it("deletes ids from every list and forgets emptied values and names", () => {
    const p = new MemPostings();
    p.add(0, ls({ __name__: "up", job: "a" }));
    p.add(1, ls({ __name__: "up", job: "b", zone: "z" }));
    p.add(2, ls({ __name__: "up", job: "a" }));
    p.add(3, ls({ __name__: "cpu", job: "c" }));
    expect(p.labelValues("job")).toEqual(["a", "b", "c"]);
    p.delete(new Set([1, 3, 99]));
    expect([...p.all()]).toEqual([0, 2]);
    expect([...p.get("__name__", "up")]).toEqual([0, 2]);
    expect(p.labelValues("job")).toEqual(["a"]);
    expect(p.labelNames()).toEqual(["__name__", "job"]);
    expect(p.seriesCount).toBe(2);
    p.add(5, ls({ job: "b" }));
    expect(p.labelValues("job")).toEqual(["a", "b"]);
    expect([...p.select([newMatcher("=", "job", "b")])]).toEqual([5]);
  });

  it("releases memory after mass deletion without losing survivors", () => {
    const p = new MemPostings();
    for (let id = 0; id < 1000; id++) p.add(id, ls({ a: "x" }));
    p.delete(new Set(Array.from({ length: 990 }, (_, i) => i)));
    expect([...p.get("a", "x")]).toEqual([990, 991, 992, 993, 994, 995, 996, 997, 998, 999]);
    p.add(2000, ls({ a: "x" }));
    expect(p.get("a", "x").length).toBe(11);
  });

  it("returns copies from labelNames/labelValues and a fresh array from select", () => {
    const p = new MemPostings();
    p.add(0, ls({ a: "x" }));
    p.labelValues("a").push("mutated");
    p.labelNames().push("mutated");
    expect(p.labelValues("a")).toEqual(["x"]);
    expect(p.labelNames()).toEqual(["a"]);
    const sel = p.select([newMatcher("=", "a", "x")]);
    sel[0] = 42;
    expect([...p.get("a", "x")]).toEqual([0]);
  });
});
