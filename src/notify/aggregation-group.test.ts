import { describe, expect, it } from "vitest";
import { AggregationGroup } from "./aggregation-group.js";
import type { StoredAlert } from "./alert-store.js";
import { buildRouteTree } from "./route.js";

const route = buildRouteTree({
  receiver: "r",
  groupBy: ["alertname"],
  continue: false,
  matchers: [],
  groupWaitMs: 30,
  groupIntervalMs: 300,
  repeatIntervalMs: 3000,
  muteTimeIntervals: [],
  activeTimeIntervals: [],
  routes: [],
});

const alert = (fp: string, startsAt: number, endsAt: number): StoredAlert => ({
  labels: { alertname: "A", fp },
  annotations: {},
  startsAt,
  endsAt,
  generatorURL: "",
  fingerprint: fp,
  updatedAt: startsAt,
  timeout: false,
});

describe("AggregationGroup", () => {
  it("flushes group_wait after creation, then every group_interval", async () => {
    const g = new AggregationGroup(route, "k", { alertname: "A" }, 1000);
    g.insert(alert("a", 1000, 0), 1000);
    expect(g.nextFlushAt).toBe(1030);
    await g.flush(1030, async () => true);
    expect(g.nextFlushAt).toBe(1330);
  });

  it("flushes at once for an alert older than group_wait, before the first flush only", async () => {
    const g = new AggregationGroup(route, "k", {}, 1000);
    g.insert(alert("a", 900, 0), 1000);
    expect(g.nextFlushAt).toBe(1000);
    await g.flush(1000, async () => true);
    g.insert(alert("b", 0, 0), 1010);
    expect(g.nextFlushAt).toBe(1300);
  });

  it("drops resolved alerts after a successful flush unless they changed meanwhile", async () => {
    const g = new AggregationGroup(route, "k", {}, 0);
    g.insert(alert("a", 0, 10), 20);
    g.insert(alert("b", 0, 10), 20);
    g.insert(alert("c", 0, 0), 20);
    await g.flush(30, async () => false);
    expect(g.alerts()).toHaveLength(3);
    await g.flush(40, async () => {
      // "b" fires again while the flush is in flight.
      g.insert(alert("b", 35, 0), 35);
      return true;
    });
    expect(
      g
        .alerts()
        .map((a) => a.fingerprint)
        .sort(),
    ).toEqual(["b", "c"]);
  });
});
