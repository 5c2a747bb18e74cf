import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { diffFacts } from "../agent/index.js";
import { applyFactChanges, FleetState, isSafeHostName, plainThreshold } from "./index.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "reddot-fleet-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("applyFactChanges", () => {
  it("turns the old document into the new one for what diffFacts reports", () => {
    const before = {
      os: { id: "debian", version_id: "12" },
      packages: { openssl: { version: "3.0.1" }, "libgtk-3.0": { version: "3.24.1" } },
      custom: { "a.b": { c: 1 } },
      mounts: ["/"],
    };
    const after = {
      os: { id: "debian", version_id: "13", codename: "trixie" },
      packages: { "libgtk-3.0": { version: "3.24.2" }, "python3.11": { version: "3.11.2" } },
      custom: { "a.b": { c: 2 } },
      mounts: ["/", "/srv"],
      kernel: { release: "6.1" },
    };
    expect(applyFactChanges(before, diffFacts(before, after))).toEqual(after);
    // The input is not modified.
    expect(before.os.version_id).toBe("12");
  });

  it("does not reach object prototypes", () => {
    const out = applyFactChanges({}, [{ path: "a.__proto__", after: { polluted: true } }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf((out as Record<string, object>).a)).toBe(Object.prototype);
  });
});

describe("plainThreshold", () => {
  it("takes plain numbers and leaves Nagios ranges", () => {
    expect(plainThreshold("80")).toBe(80);
    expect(plainThreshold("-1.5")).toBe(-1.5);
    expect(plainThreshold(undefined)).toBeUndefined();
    for (const r of ["10:", "~:10", "@1:2", "1:2", "", "abc"])
      expect(plainThreshold(r)).toBeUndefined();
  });
});

describe("FleetState", () => {
  it("refuses a host file it did not write, and removes a tmp file left by a crash", async () => {
    const hosts = join(dir, "fleet", "hosts");
    mkdirSync(hosts, { recursive: true });
    writeFileSync(join(hosts, "a.json.tmp"), "{");
    await FleetState.open(dir);
    expect(readdirSync(hosts)).toEqual([]);
    writeFileSync(join(hosts, "a.json"), "{not json");
    await expect(FleetState.open(dir)).rejects.toMatchObject({ code: "RD_FLEET_STATE" });
  });

  it("knows safe host names", () => {
    expect(isSafeHostName("web-1.example.org")).toBe(true);
    for (const h of ["", ".", "..", "a/b", "a b", "x".repeat(254)])
      expect(isSafeHostName(h)).toBe(false);
  });
});
