import { afterAll, describe, expect, it } from "vitest";
import { loadConfigDir } from "./loader.js";
import { configIssuesOf, tempRepos } from "./testing.js";

const repos = tempRepos();
afterAll(() => repos.cleanup());

describe("heartbeats/*.yaml", () => {
  it("loads cron and period jobs with defaults", async () => {
    const dir = await repos.create({
      "heartbeats/backups.yaml": `heartbeats:
  - name: db-backup
    schedule: "30 2 * * *"
    timezone: Europe/Berlin
    grace: 30m
    max_duration: 2h
    labels: { team: ops }
    description: nightly pg_dump
  - name: sync.files
    every: 15m
`,
    });
    const cfg = await loadConfigDir(dir);
    expect(cfg.heartbeats.map((h) => h.name)).toEqual(["db-backup", "sync.files"]);
    const [a, b] = cfg.heartbeats;
    expect(a).toMatchObject({
      timezone: "Europe/Berlin",
      graceMs: 30 * 60_000,
      maxDurationMs: 7_200_000,
    });
    expect(a?.labels).toEqual({ team: "ops" });
    expect(
      a?.schedule.kind === "cron" && a.schedule.cron.next(Date.parse("2026-07-01T00:00:00Z")),
    ).toBe(Date.parse("2026-07-01T00:30:00Z"));
    expect(b).toMatchObject({
      timezone: "UTC",
      graceMs: 5 * 60_000,
      schedule: { kind: "every", everyMs: 900_000 },
    });
  });

  it("reports bad jobs with file:line and the key", async () => {
    const dir = await repos.create({
      "heartbeats/a.yaml": `heartbeats:
  - name: backup
    schedule: "0 0 L * *"
  - name: "bad name"
    every: 1h
  - name: both
    schedule: "@daily"
    every: 1h
  - name: tz
    schedule: "@daily"
    timezone: Mars/Olympus
  - name: never
    schedule: "0 0 30 2 *"
`,
      "heartbeats/b.yaml": `heartbeats:
  - name: backup
    every: 1h
`,
    });
    const issues = await configIssuesOf(dir);
    const text = issues.map((i) => `${i.file}:${i.line}: ${i.key}: ${i.message}`);
    expect(text).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^heartbeats\/a\.yaml:3: heartbeats\[0\]\.schedule: .*L, W, # and \? .*not supported/,
        ),
        expect.stringMatching(/^heartbeats\/a\.yaml:4: heartbeats\[1\]\.name: .*\[a-zA-Z0-9_.-\]/),
        expect.stringMatching(/^heartbeats\/a\.yaml:8: heartbeats\[2\]\.every: give exactly one/),
        expect.stringMatching(
          /^heartbeats\/a\.yaml:11: heartbeats\[3\]\.timezone: unknown time zone/,
        ),
        expect.stringMatching(/^heartbeats\/a\.yaml:13: heartbeats\[4\]\.schedule: .*never fires/),
        expect.stringMatching(
          /^heartbeats\/b\.yaml:2: heartbeats\[0\]\.name: heartbeat "backup" is already defined/,
        ),
      ]),
    );
  });
});
