import { execFile } from "node:child_process";
import { mkdir, mkdtemp, open, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemdUsable } from "./systemd-unit.js";
import { runBuiltin, validate } from "./test-helpers.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "reddot-builtin-state-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HOUR = 3600;

describe("file_age", () => {
  it("is OK for a fresh file, WARNING/CRITICAL as it ages", async () => {
    const path = join(dir, "backup.tar.gz");
    await writeFile(path, "x".repeat(2048));
    const params = { path, warn_seconds: 26 * HOUR, crit_seconds: 50 * HOUR };
    const fresh = await runBuiltin("file_age", params);
    expect(fresh.status).toBe(0);
    expect(fresh.output).toMatch(new RegExp(`^FILE_AGE OK: ${path} \\d+s old, 2.0 KiB$`));
    const now = Date.now() / 1000;
    await utimes(path, now - 30 * HOUR, now - 30 * HOUR);
    const warn = await runBuiltin("file_age", params);
    expect(warn.status).toBe(1);
    expect(warn.output).toBe(`FILE_AGE WARNING: ${path} last modified 1d 6h ago`);
    await utimes(path, now - 3 * 24 * HOUR, now - 3 * 24 * HOUR);
    const crit = await runBuiltin("file_age", params);
    expect(crit.status).toBe(2);
    expect(crit.perfdata[0]).toMatchObject({
      label: "age",
      uom: "s",
      warn: String(26 * HOUR),
      crit: String(50 * HOUR),
    });
  });

  it("is CRITICAL for an empty or missing backup", async () => {
    const path = join(dir, "empty.dump");
    await writeFile(path, "");
    const empty = await runBuiltin("file_age", {
      path,
      warn_seconds: 60,
      crit_seconds: 120,
      min_size_bytes: 1,
    });
    expect(empty.status).toBe(2);
    expect(empty.output).toBe(`FILE_AGE CRITICAL: ${path} 0 B, smaller than 1 B`);
    const missing = await runBuiltin("file_age", {
      path: join(dir, "nope"),
      warn_seconds: 60,
      crit_seconds: 120,
    });
    expect(missing.status).toBe(2);
    expect(missing.output).toBe(`FILE_AGE CRITICAL: ${join(dir, "nope")} does not exist`);
  });

  it("validates", () => {
    expect(validate("file_age", { path: "backup", warn_seconds: 10 })).toEqual([
      expect.stringMatching(/^path: .*absolute path/),
      "crit_seconds: is required",
    ]);
  });
});

/** A last_run_summary.yaml as Puppet 7/8 agents write it, `time.last_run` set to `lastRun`. */
function summary(
  lastRun: number,
  opts: { failed?: number; eventFailures?: number; noResources?: boolean } = {},
): string {
  const resources = opts.noResources
    ? ""
    : `resources:
  changed: ${opts.failed ? 1 : 0}
  corrective_change: 0
  failed: ${opts.failed ?? 0}
  failed_to_restart: 0
  out_of_sync: ${opts.failed ?? 0}
  restarted: 0
  scheduled: 0
  skipped: 0
  total: 312
`;
  return `---
version:
  config: production-8f3c2a1
  puppet: 8.10.0
${resources}time:
  catalog_application: 2.311
  config_retrieval: 1.0467
  convert_catalog: 0.0421
  exec: 0.1201
  fact_generation: 0.8125
  file: 0.9434
  node_retrieval: 0.2254
  package: 0.3318
  plugin_sync: 0.4127
  schedule: 0.0006
  service: 0.1442
  transaction_evaluation: 2.2371
  total: 4.9131
  last_run: ${Math.floor(lastRun)}
changes:
  total: ${opts.failed ? 1 : 0}
events:
  failure: ${opts.eventFailures ?? opts.failed ?? 0}
  success: 0
  total: ${opts.eventFailures ?? opts.failed ?? 0}
`;
}

describe("puppet", () => {
  async function state(name: string, yaml: string, lock?: string): Promise<string> {
    const d = join(dir, name);
    await mkdir(d, { recursive: true });
    await writeFile(join(d, "last_run_summary.yaml"), yaml);
    if (lock !== undefined) await writeFile(join(d, "agent_disabled.lock"), lock);
    return join(d, "last_run_summary.yaml");
  }
  const now = (): number => Date.now() / 1000;
  const ages = { warn_age_seconds: 2 * HOUR, crit_age_seconds: 6 * HOUR };

  it("is OK after a recent successful run", async () => {
    const r = await runBuiltin("puppet", {
      summary_path: await state("ok", summary(now() - 600)),
      ...ages,
    });
    expect(r.status).toBe(0);
    expect(r.output).toMatch(
      /^PUPPET OK: last run 10m \d+s ago, 312 resources, none failed, config production-8f3c2a1$/,
    );
    expect(r.perfdata.map((d) => d.label)).toEqual([
      "last_run_age",
      "failed_resources",
      "failed_events",
      "disabled",
    ]);
  });

  it("is CRITICAL with failed resources, or when no catalog was applied", async () => {
    const failed = await runBuiltin("puppet", {
      summary_path: await state("failed", summary(now() - 60, { failed: 2 })),
      ...ages,
    });
    expect(failed.status).toBe(2);
    expect(failed.output).toBe("PUPPET CRITICAL: 2 failed resources, config production-8f3c2a1");
    const tolerated = await runBuiltin("puppet", {
      summary_path: await state("failed2", summary(now() - 60, { failed: 2 })),
      ...ages,
      crit_failed_resources: 2,
    });
    expect(tolerated.status).toBe(0);
    const noCatalog = await runBuiltin("puppet", {
      summary_path: await state(
        "nocatalog",
        summary(now() - 60, { noResources: true, eventFailures: 0 }),
      ),
      ...ages,
    });
    expect(noCatalog.status).toBe(2);
    expect(noCatalog.output).toContain("applied no catalog");
  });

  it("is WARNING, then CRITICAL, as the last run ages", async () => {
    const old = await runBuiltin("puppet", {
      summary_path: await state("old", summary(now() - 3 * HOUR)),
      ...ages,
    });
    expect(old.status).toBe(1);
    expect(old.output).toMatch(/^PUPPET WARNING: last run 3h 0m ago/);
    const older = await runBuiltin("puppet", {
      summary_path: await state("older", summary(now() - 30 * HOUR)),
      ...ages,
    });
    expect(older.status).toBe(2);
    expect(older.output).toMatch(/^PUPPET CRITICAL: last run 1d 6h ago/);
  });

  it("shows the disabled message, as WARNING or CRITICAL per disabled_status", async () => {
    const path = await state(
      "disabled",
      summary(now() - 60),
      '{"disabled_message":"upgrading postgres, ticket OPS-1234"}',
    );
    const w = await runBuiltin("puppet", { summary_path: path, ...ages });
    expect(w.status).toBe(1);
    expect(w.output).toBe(
      "PUPPET WARNING: agent disabled: upgrading postgres, ticket OPS-1234, config production-8f3c2a1",
    );
    const c = await runBuiltin("puppet", {
      summary_path: path,
      ...ages,
      disabled_status: "critical",
    });
    expect(c.status).toBe(2);
    const lockElsewhere = join(dir, "elsewhere.lock");
    await writeFile(lockElsewhere, '{"disabled_message":"reason not specified"}');
    const other = await runBuiltin("puppet", {
      summary_path: await state("ok2", summary(now() - 60)),
      lock_path: lockElsewhere,
      ...ages,
    });
    expect(other.output).toContain("agent disabled: reason not specified");
  });

  it("is UNKNOWN for a missing or unreadable summary", async () => {
    const missing = await runBuiltin("puppet", {
      summary_path: join(dir, "none", "last_run_summary.yaml"),
      ...ages,
    });
    expect(missing.status).toBe(3);
    expect(missing.output).toContain("does not exist");
    const garbage = await runBuiltin("puppet", {
      summary_path: await state("garbage", "just: [unclosed\n"),
      ...ages,
    });
    expect(garbage.status).toBe(3);
    const noTime = await runBuiltin("puppet", {
      summary_path: await state("notime", "version:\n  config: 1\n"),
      ...ages,
    });
    expect(noTime.status).toBe(3);
    expect(noTime.output).toContain("no time.last_run");
  });

  it("is UNKNOWN when reading does not finish within the check's timeout", async () => {
    // A FIFO with no writer: open() blocks, as a read on a hung NFS mount would.
    const fifo = join(dir, "stuck.yaml");
    await promisify(execFile)("mkfifo", [fifo], { timeout: 10_000 });
    const r = await runBuiltin(
      "puppet",
      { summary_path: fifo, lock_path: join(dir, "nolock"), ...ages },
      {},
      300,
    );
    expect(r.status).toBe(3);
    expect(r.output).toBe("UNKNOWN: builtin puppet did not finish within 300 ms");
    // Free the blocked reader: open for writing, write nothing, close.
    const w = await open(fifo, "w");
    await w.close();
  });

  it("validates", () => {
    expect(
      validate("puppet", {
        warn_age_seconds: 100,
        crit_age_seconds: 50,
        disabled_status: "ignore",
      }),
    ).toEqual([
      expect.stringMatching(/^disabled_status: got "ignore"/),
      expect.stringMatching(/^warn_age_seconds: got 100, above crit_age_seconds 50/),
    ]);
  });
});

describe("systemd_unit", () => {
  it("is UNKNOWN, saying why, when systemd is not running or systemctl is missing", async () => {
    const problem = await systemdUsable();
    const r = await runBuiltin("systemd_unit", { unit: "ssh.service" });
    if (problem === undefined) {
      // systemd is PID 1 here: the unit answers for itself (any state but UNKNOWN).
      expect(r.status).not.toBe(3);
    } else {
      expect(r.status).toBe(3);
      expect(r.output).toMatch(
        /^UNIT UNKNOWN: (systemd is not running on this host|systemctl is not installed|systemctl failed)/,
      );
    }
  });

  it("checks a real unit where systemd runs", async () => {
    const problem = await systemdUsable();
    // CI containers and this sandbox run without systemd as PID 1; there the
    // path above is the one to test and this one cannot run.
    if (problem !== undefined) return;
    const r = await runBuiltin("systemd_unit", { unit: "systemd-journald.service" });
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/^UNIT OK: systemd-journald.service is active \(running\)$/);
    const missing = await runBuiltin("systemd_unit", { unit: "reddot-no-such-unit.service" });
    expect(missing.status).toBe(2);
  });

  it("validates unit names (no option injection)", () => {
    expect(validate("systemd_unit", { unit: "--help" })[0]).toMatch(/^unit: got "--help"/);
    expect(validate("systemd_unit", { unit: "nginx service" })[0]).toMatch(/^unit: /);
    expect(validate("systemd_unit", { unit: "getty@tty1.service" })).toEqual([]);
  });
});
