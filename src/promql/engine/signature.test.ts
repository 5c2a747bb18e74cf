import { describe, expect, it } from "vitest";
import { lbl } from "./operator-test-helpers.js";
import {
  KeyOrdinals,
  LabelProjection,
  labelsToPromString,
  pairsKey,
  withLabel,
  withoutMetadataLabels,
} from "./signature.js";

const series = lbl({ __name__: "up", job: "node", instance: "a:1", zone: "eu" });

describe("LabelProjection", () => {
  it("by/on keeps exactly the listed labels, __name__ only when listed", () => {
    const by = new LabelProjection(["zone", "job", "missing"], true);
    expect(labelsToPromString(by.labels(series))).toBe('{job="node", zone="eu"}');
    const byName = new LabelProjection(["__name__"], true);
    expect(labelsToPromString(byName.labels(series))).toBe('{__name__="up"}');
    expect(new LabelProjection([], true).labels(series)).toEqual([]);
  });

  it("without/ignoring drops the listed labels and always __name__", () => {
    const without = new LabelProjection(["instance"], false);
    expect(labelsToPromString(without.labels(series))).toBe('{job="node", zone="eu"}');
    expect(labelsToPromString(new LabelProjection([], false).labels(series))).toBe(
      '{instance="a:1", job="node", zone="eu"}',
    );
  });

  it("gives equal keys and one shared label object to equal projections", () => {
    const p = new LabelProjection(["job"], true);
    const other = lbl({ __name__: "down", job: "node" });
    expect(p.key(series)).toBe(p.key(other));
    expect(p.labels(series)).toBe(p.labels(other));
    expect(p.key(series)).not.toBe(p.key(lbl({ job: "nod" })));
  });

  it("numbers keys densely", () => {
    const ids = new KeyOrdinals(new LabelProjection(["job"], true));
    expect(ids.of(series)).toBe(0);
    expect(ids.of(lbl({ job: "x" }))).toBe(1);
    expect(ids.of(lbl({ job: "node", other: "1" }))).toBe(0);
    expect(ids.size).toBe(2);
  });
});

describe("label helpers", () => {
  it("pairsKey cannot be fooled by separators inside values", () => {
    expect(pairsKey(lbl({ a: "b\xffc\xffd" }))).not.toBe(pairsKey(lbl({ a: "b", c: "d" })));
    expect(pairsKey(lbl({ a: "1:b" }))).not.toBe(pairsKey(lbl({ a: "1", b: "" })));
  });

  it("withLabel sets, replaces and removes in sort order", () => {
    expect(labelsToPromString(withLabel(lbl({ a: "1", c: "3" }), "b", "2"))).toBe(
      '{a="1", b="2", c="3"}',
    );
    expect(labelsToPromString(withLabel(lbl({ a: "1" }), "a", "9"))).toBe('{a="9"}');
    expect(labelsToPromString(withLabel(lbl({ a: "1", b: "2" }), "a", ""))).toBe('{b="2"}');
    expect(labelsToPromString(withLabel(lbl({ a: "1" }), "z", "2"))).toBe('{a="1", z="2"}');
  });

  it("withoutMetadataLabels drops __name__, __type__ and __unit__, and returns the input when none", () => {
    const l = lbl({ __name__: "x", __type__: "counter", __unit__: "s", a: "1" });
    expect(labelsToPromString(withoutMetadataLabels(l))).toBe('{a="1"}');
    const plain = lbl({ a: "1" });
    expect(withoutMetadataLabels(plain)).toBe(plain);
  });

  it("prints label sets as Prometheus's Labels.String()", () => {
    expect(labelsToPromString(lbl({ __name__: "up", "foo.bar": 'q"\n' }))).toBe(
      '{__name__="up", "foo.bar"="q\\"\\n"}',
    );
    expect(labelsToPromString([])).toBe("{}");
  });
});
