import { describe, expect, it } from "vitest";
import { fingerprint } from "./types.js";

describe("fingerprint", () => {
  it("is FNV-1a 64 of the sorted label pairs, as Prometheus' model.Fingerprint", () => {
    // FNV-1a 64 offset basis: the fingerprint of the empty label set.
    expect(fingerprint({})).toBe("cbf29ce484222325");
    // prometheus/common model/signature_test.go: LabelsToSignature of this set is 5799056148416392346.
    expect(fingerprint({ name: "garland, briggs", fear: "love is not enough" })).toBe(
      5799056148416392346n.toString(16).padStart(16, "0"),
    );
    expect(fingerprint({ b: "2", a: "1" })).toBe(fingerprint({ a: "1", b: "2" }));
    expect(fingerprint({ a: "1" })).not.toBe(fingerprint({ a: "2" }));
    // The separator keeps {a:"bc"} apart from {ab:"c"}.
    expect(fingerprint({ a: "bc" })).not.toBe(fingerprint({ ab: "c" }));
    expect(fingerprint({ alertname: "x" })).toMatch(/^[0-9a-f]{16}$/);
  });
});
