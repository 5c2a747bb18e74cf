import { describe, expect, it } from "vitest";
import { type MaintenanceWindow, windowOpen } from "../config/index.js";
import { maintenanceMutedBy } from "./maintenance.js";
import { parseMatcherList } from "./matchers.js";

const T0 = Date.parse("2026-03-01T22:00:00Z");
const H = 3600_000;

function win(
  name: string,
  matchers: string[],
  startsAt: number,
  endsAt: number,
): MaintenanceWindow {
  return {
    name,
    matchers: parseMatcherList(matchers),
    matcherTexts: matchers,
    startsAt,
    endsAt,
    reason: "planned",
    file: "maintenance/x.yaml",
  };
}

describe("maintenanceMutedBy", () => {
  const windows = [
    win("db-upgrade", ['host=~"db[0-9]+"'], T0, T0 + 2 * H),
    win("dc-move", ['dc="eu"', 'severity!="page"'], T0 + H, T0 + 3 * H),
  ];

  it("names the open windows whose matchers all accept the labels", () => {
    expect(maintenanceMutedBy(windows, { host: "db1", dc: "eu" }, T0)).toEqual(["db-upgrade"]);
    expect(maintenanceMutedBy(windows, { host: "db1", dc: "eu" }, T0 + H)).toEqual([
      "db-upgrade",
      "dc-move",
    ]);
    expect(
      maintenanceMutedBy(windows, { host: "db1", dc: "eu", severity: "page" }, T0 + H),
    ).toEqual(["db-upgrade"]);
    expect(maintenanceMutedBy(windows, { host: "web1" }, T0 + H)).toEqual([]);
  });

  it("opens at the start and closes at the end, exactly as windowOpen", () => {
    const labels = { host: "db1", dc: "eu" };
    for (const t of [T0 - 1, T0, T0 + H, T0 + 2 * H - 1, T0 + 2 * H, T0 + 3 * H, T0 + 3 * H + 1]) {
      const want = windows.filter((w) => windowOpen(w, t)).map((w) => w.name);
      expect(maintenanceMutedBy(windows, labels, t)).toEqual(want);
    }
  });
});
