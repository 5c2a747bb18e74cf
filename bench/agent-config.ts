/**
 * The config repo of the agent benchmark: a server that accepts one agent
 * token and scrapes nothing, and 20 checks at 10 s (10 builtins, 10 Nagios
 * plugins of monitoring-plugins-basic) that the `default` role gives every host
 * not declared in hosts/ (declared "bare" hosts have no role, so no checks).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Where the agent finds plugins (Debian's monitoring-plugins-basic). */
export const PLUGIN_DIR = "/usr/lib/nagios/plugins";

/** What the checks point at. */
export interface BenchTargets {
  /** Port of the reddot server (tcp and http checks). */
  readonly serverPort: number;
  /** A file the file_age checks look at (created by the caller). */
  readonly ageFile: string;
}

/** One check as written in checks/bench.yaml. */
export interface BenchCheck {
  readonly name: string;
  readonly builtin?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly command?: string;
  readonly args?: readonly string[];
}

/** The 20 checks, every one at `interval: 10s`, as a host would really run them. */
export function benchChecks(t: BenchTargets): BenchCheck[] {
  const base = `http://127.0.0.1:${t.serverPort}`;
  return [
    // Builtins: no child process.
    {
      name: "root_disk",
      builtin: "disk",
      params: { mountpoints: ["/"], warn_percent_used: 90, crit_percent_used: 95 },
    },
    {
      name: "all_disks",
      builtin: "disk",
      params: {
        warn_percent_used: 90,
        crit_percent_used: 95,
        warn_inodes_percent_used: 90,
        crit_inodes_percent_used: 95,
      },
    },
    { name: "readonly_mounts", builtin: "readonly_mounts" },
    { name: "load", builtin: "load", params: { per_cpu: true, warn: 4, crit: 8 } },
    { name: "memory", builtin: "memory", params: { warn_percent_used: 95, crit_percent_used: 98 } },
    { name: "server_process", builtin: "process", params: { cmdline: "main\\.js server", min: 1 } },
    {
      name: "server_tcp",
      builtin: "tcp",
      params: { host: "127.0.0.1", port: t.serverPort, warn_ms: 500, crit_ms: 2000 },
    },
    { name: "server_healthy", builtin: "http", params: { url: `${base}/-/healthy` } },
    { name: "server_ready", builtin: "http", params: { url: `${base}/-/ready`, warn_ms: 500 } },
    {
      name: "stamp_age",
      builtin: "file_age",
      params: { path: t.ageFile, warn_seconds: 3600, crit_seconds: 7200 },
    },
    // Plugins: one child process per run (check_procs and check_users run more).
    { name: "nagios_load", command: "check_load", args: ["-r", "-w", "4,3,2", "-c", "8,6,4"] },
    { name: "nagios_disk", command: "check_disk", args: ["-w", "10%", "-c", "5%", "-p", "/"] },
    { name: "nagios_procs", command: "check_procs", args: ["-w", "250", "-c", "400"] },
    { name: "nagios_zombies", command: "check_procs", args: ["-s", "Z", "-w", "5", "-c", "10"] },
    { name: "nagios_users", command: "check_users", args: ["-w", "5", "-c", "10"] },
    { name: "nagios_swap", command: "check_swap", args: ["-n", "ok", "-w", "50%", "-c", "20%"] },
    { name: "nagios_dummy", command: "check_dummy", args: ["0", "bench"] },
    {
      name: "nagios_file_age",
      command: "check_file_age",
      args: ["-w", "3600", "-c", "7200", "-f", t.ageFile],
    },
    {
      name: "nagios_tcp",
      command: "check_tcp",
      args: ["-H", "127.0.0.1", "-p", String(t.serverPort)],
    },
    {
      name: "nagios_http",
      command: "check_http",
      args: ["-H", "127.0.0.1", "-p", String(t.serverPort), "-u", "/-/healthy"],
    },
  ];
}

/** A written config repo and the token that its reddot.yaml accepts (by hash). */
export interface AgentBenchConfig {
  readonly configDir: string;
  readonly tokenFile: string;
  readonly checks: readonly BenchCheck[];
}

/**
 * Writes reddot.yaml, checks/bench.yaml, roles/default.yaml and
 * hosts/bench.yaml (`bareHosts`, declared with no role, so no checks) under
 * `dir`/config, and the agent's token (random, mode 0600) in `dir`/token.
 * JSON is valid YAML, so every value is written with JSON.stringify.
 */
export async function writeAgentBenchConfig(
  dir: string,
  targets: BenchTargets,
  bareHosts: readonly string[] = [],
): Promise<AgentBenchConfig> {
  const configDir = join(dir, "config");
  await mkdir(join(configDir, "checks"), { recursive: true });
  await mkdir(join(configDir, "roles"), { recursive: true });
  await mkdir(join(configDir, "hosts"), { recursive: true });
  const token = randomBytes(32).toString("hex");
  const sha256 = createHash("sha256").update(token).digest("hex");
  const tokenFile = join(dir, "token");
  await writeFile(tokenFile, token, { mode: 0o600 });
  await writeFile(
    join(configDir, "reddot.yaml"),
    [
      "scrape:",
      "  self:",
      "    enabled: false",
      "agents:",
      "  tokens:",
      `    - { name: bench, sha256: "${sha256}" }`,
      "log:",
      "  level: warn",
      "",
    ].join("\n"),
  );
  const checks = benchChecks(targets);
  const lines = ["checks:"];
  for (const c of checks) {
    lines.push(`  - name: ${JSON.stringify(c.name)}`, "    interval: 10s", "    timeout: 5s");
    if (c.builtin !== undefined) {
      lines.push(`    builtin: ${JSON.stringify(c.builtin)}`);
      if (c.params !== undefined) lines.push(`    params: ${JSON.stringify(c.params)}`);
    } else {
      lines.push(`    command: ${JSON.stringify(c.command)}`);
      lines.push(`    args: ${JSON.stringify(c.args ?? [])}`);
    }
  }
  await writeFile(join(configDir, "checks", "bench.yaml"), `${lines.join("\n")}\n`);
  await writeFile(
    join(configDir, "roles", "default.yaml"),
    `roles:\n  - name: default\n    checks: ${JSON.stringify(checks.map((c) => c.name))}\n`,
  );
  // Declared hosts with no role run no checks: host metrics and the report only.
  await writeFile(
    join(configDir, "hosts", "bench.yaml"),
    `hosts: ${JSON.stringify(bareHosts.map((name) => ({ name, roles: [] })))}\n`,
  );
  return { configDir, tokenFile, checks };
}
