import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLabelArgs, runTestRoutes } from "./test-routes.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "reddot-test-routes-"));
  await copyFile(
    fileURLToPath(new URL("../notify/testdata/alertmanager.yml", import.meta.url)),
    join(dir, "notify.yaml"),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

async function run(
  labels: string[],
  extra: { verify?: string[]; now?: string; configDir?: string } = {},
) {
  const stdout = sink();
  const stderr = sink();
  const code = await runTestRoutes(
    {
      configDir: extra.configDir ?? dir,
      labels,
      now: new Date(extra.now ?? "2024-01-15T10:00:00Z"), // a Monday, 11:00 in Berlin
      ...(extra.verify === undefined ? {} : { verifyReceivers: extra.verify }),
    },
    { stdout: stdout.stream, stderr: stderr.stream },
  );
  return { code, out: stdout.text(), err: stderr.text() };
}

describe("reddot test routes", () => {
  it("prints the receivers, route, group_by and timing", async () => {
    const r = await run(["service=foo1", "severity=critical"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        "team-X-pager",
        "  receiver: team-X-pager",
        '    route: {}/{service=~"foo1|foo2|baz"}/{severity="critical"}/0',
        "    group_by: [alertname, cluster, service]",
        "    group_wait: 30s, group_interval: 5m, repeat_interval: 3h",
        "    muted now: no",
        "",
      ].join("\n"),
    );
  });

  it("says when a time interval mutes the route now", async () => {
    // 2024-01-13 is a Saturday: offhours mutes slack-noise.
    const sat = await run(["env=dev"], { now: "2024-01-13T10:00:00Z" });
    expect(sat.out).toContain("muted now: yes (mute_time_intervals: offhours)");
    expect(sat.out).toContain("group_by: [...]");
    // forward is active only in business hours (Berlin).
    const night = await run(["team=ops"], { now: "2024-01-15T20:00:00Z" });
    expect(night.out).toContain("muted now: yes (outside active_time_intervals: business-hours)");
    const day = await run(["team=ops"]);
    expect(day.out).toContain("muted now: no");
  });

  it("checks --verify.receivers", async () => {
    expect((await run(["service=database"], { verify: ["team-DB-pager"] })).code).toBe(0);
    const bad = await run(["service=database"], { verify: ["team-X-pager"] });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("want team-X-pager, got team-DB-pager");
  });

  it("refuses bad labels and a repo without notify.yaml", async () => {
    const bad = await run(["severity"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('bad label "severity": want name=value');
    const empty = await mkdtemp(join(tmpdir(), "reddot-test-routes-empty-"));
    try {
      const none = await run([], { configDir: empty });
      expect(none.code).toBe(1);
      expect(none.err).toContain("no notify.yaml");
      await writeFile(join(empty, "notify.yaml"), "route: {}\n");
      const invalid = await run([], { configDir: empty });
      expect(invalid.code).toBe(1);
      expect(invalid.err).toContain("notify.yaml:1:8: route: the root route must have a receiver");
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it("parses label arguments", () => {
    expect(parseLabelArgs(["a=1", 'b="x y"', "c="])).toEqual({ a: "1", b: "x y", c: "" });
    expect(parseLabelArgs(["a.b=1"])).toMatch(/bad label/);
    expect(parseLabelArgs(["a=1", "a=2"])).toBe("label a is given twice");
  });
});
