import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatConfigIssue, isConfigError } from "./issues.js";
import { loadConfigDir } from "./loader.js";
import { windowOpen } from "./maintenance-schema.js";

const created: string[] = [];
afterAll(async () => {
  for (const dir of created) await rm(dir, { recursive: true, force: true });
});

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "reddot-maint-"));
  created.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

async function problems(files: Record<string, string>): Promise<string[]> {
  try {
    await loadConfigDir(await repo(files));
  } catch (e) {
    if (!isConfigError(e)) throw e;
    return e.issues.map(formatConfigIssue);
  }
  return [];
}

const WINDOW = `windows:
  - name: db1-upgrade
    matchers: ['host="db1"', 'service=~"postgres|pgbouncer"']
    start: 2026-03-01T22:00:00Z
    end: 2026-03-02T02:00:00+01:00
    reason: PostgreSQL 17 upgrade
    author: alice
`;

describe("maintenance/*.yaml and notify.yaml in the config repo", () => {
  it("loads windows and notify.yaml; no notify.yaml leaves notify undefined", async () => {
    const config = await loadConfigDir(
      await repo({
        "maintenance/db.yaml": WINDOW,
        "notify.yaml": "route:\n  receiver: a\nreceivers:\n  - name: a\n",
      }),
    );
    expect(config.notify?.route.receiver).toBe("a");
    expect(config.maintenance).toHaveLength(1);
    const w = config.maintenance[0];
    expect(w).toMatchObject({
      name: "db1-upgrade",
      matcherTexts: ['host="db1"', 'service=~"postgres|pgbouncer"'],
      startsAt: Date.parse("2026-03-01T22:00:00Z"),
      endsAt: Date.parse("2026-03-02T01:00:00Z"),
      reason: "PostgreSQL 17 upgrade",
      author: "alice",
      file: "maintenance/db.yaml",
    });
    expect(w?.matchers.map((m) => m.name)).toEqual(["host", "service"]);
    if (w === undefined) return;
    expect(windowOpen(w, Date.parse("2026-03-01T22:00:00Z"))).toBe(true);
    expect(windowOpen(w, Date.parse("2026-03-02T01:00:00Z"))).toBe(false);
    const bare = await loadConfigDir(await repo({ "maintenance/.keep": "" }));
    expect(bare.notify).toBeUndefined();
    expect(bare.maintenance).toEqual([]);
  });

  it("reports bad windows with file:line", async () => {
    const got = await problems({
      "maintenance/a.yaml": WINDOW,
      "maintenance/b.yaml": `windows:
  - name: db1-upgrade
    matchers: ['host="db1"']
    start: 2026-03-01T22:00:00Z
    end: 2026-03-01T21:00:00Z
    reason: x
  - name: other
    matchers: ['host.name="db1"']
    start: yesterday
    end: 2026-03-01T21:00:00Z
    reason: x
    autor: bob
  - name: third
    matchers: []
    start: 2026-03-01T20:00:00Z
    end: 2026-03-01T21:00:00Z
    reason: x
`,
    });
    expect(got).toEqual([
      'maintenance/b.yaml:2:11: windows[0].name: maintenance window "db1-upgrade" is already defined at maintenance/a.yaml:2:11 (hint: maintenance window names must be unique across all files in maintenance/; rename or remove one)',
      expect.stringMatching(/^maintenance\/b\.yaml:8:16: windows\[1\]\.matchers\[0\]: bad matcher/),
      expect.stringMatching(
        /^maintenance\/b\.yaml:9:12: windows\[1\]\.start: "yesterday" is not an RFC 3339 time/,
      ),
      'maintenance/b.yaml:12:5: windows[1].autor: unknown key "autor" (hint: did you mean "author"?)',
      "maintenance/b.yaml:14:15: windows[2].matchers: list has too few items; want at least 1",
    ]);
    const endBefore = await problems({
      "maintenance/b.yaml": `windows:
  - name: w
    matchers: ['host="db1"']
    start: 2026-03-01T22:00:00Z
    end: 2026-03-01T21:00:00Z
    reason: x
`,
    });
    expect(endBefore).toEqual(["maintenance/b.yaml:5:10: windows[0].end: end must be after start"]);
  });

  it("reports notify.yaml problems through the loader", async () => {
    const got = await problems({ "notify.yaml": "route:\n  receiver: nobody\n" });
    expect(got).toEqual([
      'notify.yaml:2:13: route.receiver: undefined receiver "nobody" used in route (hint: define it under receivers:)',
    ]);
  });
});
