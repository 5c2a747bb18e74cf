import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ScrapeManager } from "./manager.js";
import { MemoryAppendable, TestExporter, testJob, waitFor } from "./testing.js";
import type { RelabelConfig, ScrapeConfig } from "./types.js";

let exporter: TestExporter;
let manager: ScrapeManager;
let store: MemoryAppendable;

beforeEach(async () => {
  exporter = new TestExporter();
  await exporter.start();
  store = new MemoryAppendable();
  manager = new ScrapeManager(store);
});

afterEach(async () => {
  await manager.stop();
  await exporter.close();
});

const job = (name: string, c: Partial<ScrapeConfig> = {}) =>
  testJob([exporter.address], { jobName: name, ...c });
const series = (name: string, jobName: string) =>
  `${name}{instance="${exporter.address}", job="${jobName}"}`;
const ups = (jobName: string) => store.of(series("up", jobName));

describe("ScrapeManager.apply (reload)", () => {
  it("keeps an unchanged target's loop running untouched", async () => {
    manager.apply([job("a"), job("b")]);
    await waitFor("both scraped", () => ups("a").length > 0 && ups("b").length > 0);
    const before = manager.targets().active.find((t) => t.scrapePool === "a");
    // Equal content, new objects: nothing restarts.
    manager.apply([job("a"), job("b")]);
    const after = manager.targets().active.find((t) => t.scrapePool === "a");
    expect(after?.health).not.toBe("unknown");
    expect(after?.lastScrape).toBe(before?.lastScrape);
    const count = ups("a").length;
    await waitFor("more scrapes", () => ups("a").length > count + 2);
    expect(store.samples.filter((s) => s.stale)).toEqual([]);
  });

  it("writes stale markers for a removed target's series, its report series included", async () => {
    manager.apply([job("a"), job("b")]);
    await waitFor("both scraped", () => ups("a").length > 0 && ups("b").length > 0);
    manager.apply([job("a")]);
    await waitFor("b stale", () => ups("b").some((s) => s.stale));
    const staleCommit = ups("b").find((s) => s.stale)?.commit;
    const staled = store.samples
      .filter((s) => s.commit === staleCommit)
      .map((s) => [s.series, s.stale]);
    expect(staled).toEqual(
      [
        "m",
        "up",
        "scrape_duration_seconds",
        "scrape_samples_scraped",
        "scrape_samples_post_metric_relabeling",
      ]
        .concat(["scrape_series_added"])
        .map((n) => [series(n, "b"), true]),
    );
    expect(manager.targets().active.map((t) => t.scrapePool)).toEqual(["a"]);
    const count = ups("a").length;
    await waitFor("a goes on", () => ups("a").length > count);
    expect(store.of(series("m", "a")).some((s) => s.stale)).toBe(false);
  });

  it("restarts a changed target, carrying its series over for staleness", async () => {
    exporter.served.body = "x 1\ny 2\n";
    manager.apply([job("a")]);
    await waitFor("scraped", () => store.of(series("y", "a")).length > 0);
    exporter.served.body = "x 1\n";
    manager.apply([job("a", { sampleLimit: 1000 })]);
    expect(manager.targets().active[0].health).toBe("unknown");
    await waitFor("y stale", () => store.of(series("y", "a")).some((s) => s.stale));
    await waitFor("new loop up", () => manager.targets().active[0].health === "up");
    expect(store.of(series("x", "a")).some((s) => s.stale)).toBe(false);
    expect(ups("a").some((s) => s.stale)).toBe(false);
  });

  it("lists targets dropped by relabel_configs", () => {
    const drop: RelabelConfig = {
      sourceLabels: ["__address__"],
      separator: ";",
      regex: ".*:1",
      replacement: "$1",
      action: "drop",
    };
    manager.apply([
      testJob(["10.0.0.1:1", "10.0.0.2:2"], { scrapeInterval: 3_600_000, relabelConfigs: [drop] }),
    ]);
    const t = manager.targets();
    expect(t.active.map((a) => a.labels.instance)).toEqual(["10.0.0.2:2"]);
    expect(t.dropped).toEqual([
      {
        scrapePool: "test",
        discoveredLabels: {
          __address__: "10.0.0.1:1",
          __metrics_path__: "/metrics",
          __scheme__: "http",
          __scrape_interval__: "1h",
          __scrape_timeout__: "100ms",
          job: "test",
        },
      },
    ]);
  });

  it("refuses an invalid config and keeps what runs", async () => {
    manager.apply([job("a")]);
    const bad: RelabelConfig = {
      sourceLabels: [],
      separator: ";",
      regex: "(",
      replacement: "$1",
      action: "drop",
    };
    expect(() => manager.apply([job("b", { metricRelabelConfigs: [bad] })])).toThrow(
      /b: metric_relabel_configs\[0\]/,
    );
    expect(manager.targets().active.map((t) => t.scrapePool)).toEqual(["a"]);
  });
});

describe("ScrapeManager.stop", () => {
  it("waits for the scrape under way and writes no stale markers", async () => {
    exporter.served.delay = 60;
    manager.apply([job("a")]);
    await waitFor("request in flight", () => exporter.requests.length > 0);
    await manager.stop();
    // Every request that reached the exporter ended in a committed scrape.
    expect(ups("a").length).toBe(exporter.requests.length);
    expect(store.samples.filter((s) => s.stale)).toEqual([]);
  });
});
