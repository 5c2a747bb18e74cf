import { describe, expect, it } from "vitest";
import { labelsToRecord } from "../storage/index.js";
import { relabelRule, scrapeJob } from "./defaults.js";
import { resolveTargets } from "./target.js";
import type { ScrapeConfig } from "./types.js";

function config(c: Partial<ScrapeConfig>): ScrapeConfig {
  return scrapeJob({ jobName: "node", ...c });
}

const rule = relabelRule;

describe("resolveTargets", () => {
  it("labels a static target as Prometheus does", () => {
    const r = resolveTargets(
      config({
        staticConfigs: [{ targets: ["db1:9100"], labels: { env: "prod" } }],
        params: { module: ["a", "b"] },
      }),
    );
    expect(r.errors).toEqual([]);
    expect(r.active).toHaveLength(1);
    const t = r.active[0];
    expect(labelsToRecord(t.discoveredLabels)).toEqual({
      __address__: "db1:9100",
      __metrics_path__: "/metrics",
      __param_module: "a",
      __scheme__: "http",
      __scrape_interval__: "15s",
      __scrape_timeout__: "10s",
      env: "prod",
      job: "node",
    });
    expect(labelsToRecord(t.labels)).toEqual({ env: "prod", instance: "db1:9100", job: "node" });
    expect(t.url).toBe("http://db1:9100/metrics?module=a&module=b");
    expect([t.interval, t.timeout]).toEqual([15_000, 10_000]);
  });

  it("relabel_configs can set instance, address, path, scheme, params and interval", () => {
    const r = resolveTargets(
      config({
        staticConfigs: [{ targets: ["example.org"], labels: {} }],
        params: { module: ["http_2xx"] },
        relabelConfigs: [
          rule({ sourceLabels: ["__address__"], targetLabel: "__param_target" }),
          rule({ sourceLabels: ["__param_target"], targetLabel: "instance" }),
          rule({ targetLabel: "__address__", replacement: "127.0.0.1:9115" }),
          rule({ targetLabel: "__metrics_path__", replacement: "/probe" }),
          rule({ targetLabel: "__scheme__", replacement: "https" }),
          rule({ targetLabel: "__scrape_interval__", replacement: "1m" }),
        ],
      }),
    );
    const t = r.active[0];
    expect(t.url).toBe("https://127.0.0.1:9115/probe?module=http_2xx&target=example.org");
    expect(labelsToRecord(t.labels)).toEqual({ instance: "example.org", job: "node" });
    expect(t.interval).toBe(60_000);
  });

  it("a __param_ label overrides the first configured value", () => {
    const r = resolveTargets(
      config({
        staticConfigs: [{ targets: ["h:1"], labels: {} }],
        params: { q: ["x", "y"] },
        relabelConfigs: [rule({ targetLabel: "__param_q", replacement: "z" })],
      }),
    );
    expect(r.active[0].url).toBe("http://h:1/metrics?q=z&q=y");
  });

  it("lists targets dropped by relabeling with their discovered labels", () => {
    const r = resolveTargets(
      config({
        staticConfigs: [{ targets: ["keep:1", "drop:2"], labels: {} }],
        relabelConfigs: [rule({ sourceLabels: ["__address__"], regex: "drop:.*", action: "drop" })],
      }),
    );
    expect(r.active.map((t) => t.url)).toEqual(["http://keep:1/metrics"]);
    expect(r.dropped.map((d) => labelsToRecord(d).__address__)).toEqual(["drop:2"]);
  });

  it("reports targets that cannot be built, naming them", () => {
    const r = resolveTargets(
      config({
        staticConfigs: [{ targets: ["a:1", "b:2"], labels: {} }],
        relabelConfigs: [
          rule({
            sourceLabels: ["__address__"],
            regex: "b:2",
            targetLabel: "__scrape_timeout__",
            replacement: "1h",
          }),
        ],
      }),
    );
    expect(r.active).toHaveLength(1);
    expect(r.errors[0].message).toMatch(
      /node: static_configs\[0\] target "b:2": scrape timeout cannot be greater/,
    );
  });

  it("dedupes identical targets", () => {
    const r = resolveTargets(config({ staticConfigs: [{ targets: ["a:1", "a:1"], labels: {} }] }));
    expect(r.active).toHaveLength(1);
  });
});
