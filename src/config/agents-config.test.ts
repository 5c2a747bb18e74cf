import { afterAll, describe, expect, it } from "vitest";
import { checksForHost } from "./host-checks.js";
import type { ConfigIssue } from "./issues.js";
import { loadConfigDir } from "./loader.js";
import { configIssuesOf, tempRepos } from "./testing.js";

const repos = tempRepos();
afterAll(() => repos.cleanup());

async function issuesOf(files: Record<string, string>): Promise<readonly ConfigIssue[]> {
  return configIssuesOf(await repos.create(files));
}

const HASH = "a".repeat(64);

const CHECKS = `checks:
  - name: root_disk
    builtin: disk
    params:
      mountpoints: ["/"]
      warn_percent_used: 80
      crit_percent_used: 90
  - name: load
    builtin: load
    interval: 30s
    params: { per_cpu: true, warn: 2, crit: 4 }
  - name: ntp
    command: check_ntp_time
    args: ["-H", "pool.ntp.org"]
    timeout: 5s
`;

const ROLES = `roles:
  - name: default
    checks: [root_disk, load]
  - name: web
    description: Web servers
    checks: [ntp, root_disk]
`;

const HOSTS = `hosts:
  - name: web1
    roles: [web, default]
    environment: prod
    owner: team-web
    lifecycle: active
`;

const REDDOT = `agents:
  tokens:
    - name: fleet
      sha256: ${HASH.toUpperCase()}
  max_report_bytes: 8MiB
`;

describe("agents, checks, roles and hosts", () => {
  it("loads valid files and resolves checks per host", async () => {
    const dir = await repos.create({
      "reddot.yaml": REDDOT,
      "checks/host.yaml": CHECKS,
      "roles/roles.yaml": ROLES,
      "hosts/web.yaml": HOSTS,
    });
    const config = await loadConfigDir(dir);
    expect(config.server.agents).toEqual({
      tokens: [{ name: "fleet", sha256: HASH }],
      defaultRoles: ["default"],
      maxReportBytes: 8 * 1024 * 1024,
    });
    expect(config.checks).toEqual([
      {
        kind: "builtin",
        name: "root_disk",
        intervalMs: 60_000,
        timeoutMs: 10_000,
        builtin: "disk",
        params: { mountpoints: ["/"], warn_percent_used: 80, crit_percent_used: 90 },
      },
      {
        kind: "builtin",
        name: "load",
        intervalMs: 30_000,
        timeoutMs: 10_000,
        builtin: "load",
        params: { per_cpu: true, warn: 2, crit: 4 },
      },
      {
        kind: "plugin",
        name: "ntp",
        intervalMs: 60_000,
        timeoutMs: 5_000,
        command: "check_ntp_time",
        args: ["-H", "pool.ntp.org"],
      },
    ]);
    expect(config.hosts).toEqual([
      {
        name: "web1",
        roles: ["web", "default"],
        environment: "prod",
        owner: "team-web",
        lifecycle: "active",
      },
    ]);

    const web1 = checksForHost(config, "web1");
    expect(web1.roles).toEqual(["web", "default"]);
    expect(web1.checks.map((c) => c.name)).toEqual(["ntp", "root_disk", "load"]);

    const other = checksForHost(config, "db7");
    expect(other.roles).toEqual(["default"]);
    expect(other.checks.map((c) => c.name)).toEqual(["root_disk", "load"]);
  });

  it("gives an undeclared host agents.default_roles", async () => {
    const dir = await repos.create({
      "reddot.yaml": "agents:\n  default_roles: [web]\n",
      "checks/host.yaml": CHECKS,
      "roles/roles.yaml": ROLES,
    });
    const config = await loadConfigDir(dir);
    const r = checksForHost(config, "anything");
    expect(r.roles).toEqual(["web"]);
    expect(r.checks.map((c) => c.name)).toEqual(["ntp", "root_disk"]);
  });

  it("reports bad builtin params at the param, with file:line", async () => {
    const issues = await issuesOf({
      "checks/a.yaml": `checks:
  - name: root_disk
    builtin: disk
    params:
      warn_percent_used: 95
      crit_percent_used: 150
      colour: red
`,
    });
    expect(issues).toContainEqual(
      expect.objectContaining({
        file: "checks/a.yaml",
        line: 6,
        key: "checks[0].params.crit_percent_used",
        message: "got 150; want at most 100",
      }),
    );
    const colour = issues.find((i) => i.key === "checks[0].params.colour");
    expect(colour).toMatchObject({ file: "checks/a.yaml", line: 7 });
  });

  it("reports a missing required param at params", async () => {
    const issues = await issuesOf({
      "checks/a.yaml":
        "checks:\n  - name: mem\n    builtin: memory\n    params:\n      warn_percent_used: 90\n",
    });
    expect(issues).toEqual([
      expect.objectContaining({
        file: "checks/a.yaml",
        line: 5,
        key: "checks[0].params.crit_percent_used",
        message: "is required",
      }),
    ]);
  });

  it("reports an unknown builtin, a plugin path, and a check with neither", async () => {
    const issues = await issuesOf({
      "checks/a.yaml": `checks:
  - name: a
    builtin: dsk
  - name: b
    command: /usr/lib/nagios/plugins/check_ntp
  - name: c
    interval: 1m
  - name: d
    command: ../check_x
`,
    });
    expect(issues.map((i) => [i.line, i.key])).toEqual([
      [3, "checks[0].builtin"],
      [5, "checks[1].command"],
      [6, "checks[2]"],
      [9, "checks[3].command"],
    ]);
    expect(issues[0].message).toMatch(/^got string "dsk"; want one of "disk"/);
    expect(issues[1].message).toBe(
      'plugin command "/usr/lib/nagios/plugins/check_ntp" must be a file name, not a path',
    );
    expect(issues[2].message).toBe("a check needs builtin or command");
  });

  it("reports timeout over interval, and params on a plugin", async () => {
    const issues = await issuesOf({
      "checks/a.yaml":
        "checks:\n  - name: a\n    command: check_x\n    interval: 5s\n    timeout: 10s\n    params: { x: 1 }\n",
    });
    expect(issues.map((i) => [i.line, i.key, i.message])).toEqual([
      [5, "checks[0].timeout", "10s is longer than interval 5s"],
      [6, "checks[0].params", "params are for builtin checks"],
    ]);
  });

  it("reports a check name defined in two files, naming both places", async () => {
    const issues = await issuesOf({
      "checks/a.yaml": "checks:\n  - name: ntp\n    command: check_ntp\n",
      "checks/b.yaml":
        "checks:\n  - name: other\n    command: check_x\n  - name: ntp\n    command: check_ntp\n",
    });
    expect(issues).toEqual([
      {
        file: "checks/b.yaml",
        line: 4,
        column: 11,
        key: "checks[1].name",
        message: 'check "ntp" is already defined at checks/a.yaml:2:11',
        hint: "check names must be unique across all files in checks/; rename or remove one",
      },
    ]);
  });

  it("reports an unknown check in a role, and not a check whose definition is invalid", async () => {
    const issues = await issuesOf({
      "checks/a.yaml": "checks:\n  - name: root_disk\n    builtin: disk\n    params: {}\n",
      "roles/r.yaml":
        "roles:\n  - name: default\n    checks:\n      - root_disk\n      - root_dsk\n",
    });
    expect(issues.map((i) => [i.file, i.line, i.key])).toEqual([
      ["checks/a.yaml", 4, "checks[0].params.warn_percent_used"],
      ["checks/a.yaml", 4, "checks[0].params.crit_percent_used"],
      ["roles/r.yaml", 5, "roles[0].checks[1]"],
    ]);
    expect(issues[2]).toMatchObject({
      message: 'unknown check "root_dsk"',
      hint: 'did you mean "root_disk"?',
    });
  });

  it("reports an unknown role in a host and in agents.default_roles", async () => {
    const issues = await issuesOf({
      "reddot.yaml": "agents:\n  default_roles: [base]\n",
      "roles/r.yaml": "roles:\n  - name: web\n",
      "hosts/h.yaml":
        "hosts:\n  - name: web1\n    roles: [web, webs]\n  - name: web1\n    roles: []\n",
    });
    expect(issues.map((i) => [i.file, i.line, i.key, i.message])).toEqual([
      ["hosts/h.yaml", 3, "hosts[0].roles[1]", 'unknown role "webs"'],
      ["hosts/h.yaml", 4, "hosts[1].name", 'host "web1" is already defined at hosts/h.yaml:2:11'],
      ["reddot.yaml", 2, "agents.default_roles[0]", 'unknown role "base"'],
    ]);
    expect(issues[0].hint).toBe('did you mean "web"?');
  });

  it("reports a bad token hash with how to make one, and duplicate tokens", async () => {
    const issues = await issuesOf({
      "reddot.yaml": `agents:
  tokens:
    - name: a
      sha256: not-a-hash
    - name: b
      sha256: ${HASH}
    - name: b
      sha256: ${HASH}
`,
    });
    expect(issues.map((i) => [i.line, i.key])).toEqual([
      [4, "agents.tokens[0].sha256"],
      [7, "agents.tokens[2].name"],
      [8, "agents.tokens[2].sha256"],
    ]);
    expect(issues[0]).toMatchObject({
      message: '"not-a-hash" is not a SHA-256 hash (64 hexadecimal digits)',
      hint: 'write the token\'s hash: printf %s "$TOKEN" | sha256sum',
    });
  });

  it("reports unknown keys and bad lifecycles at their line", async () => {
    const issues = await issuesOf({
      "roles/r.yaml": "roles:\n  - name: web\n    chekcs: []\n",
      "hosts/h.yaml": "hosts:\n  - name: web1\n    roles: []\n    lifecycle: dead\n",
    });
    expect(issues.map((i) => [i.file, i.line, i.key])).toEqual([
      ["hosts/h.yaml", 4, "hosts[0].lifecycle"],
      ["roles/r.yaml", 3, "roles[0].chekcs"],
    ]);
    expect(issues[1].hint).toBe('did you mean "checks"?');
  });
});
