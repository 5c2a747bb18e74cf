/**
 * The puppet builtin against real Puppet: `puppet apply` of small manifests
 * (one succeeding, one with a failing resource) and `puppet agent --disable`,
 * with every Puppet directory in a temp dir. CI installs the Debian `puppet`
 * package (.ci/run).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuiltinCheckSpec } from "../../types.js";
import { BUILTIN_CHECKS } from "./index.js";
import { defaultLockPath } from "./puppet.js";

const run = promisify(execFile);
const PUPPET = "/usr/bin/puppet";
let root: string;
let dirs: string[];

beforeAll(() => {
  if (!existsSync(PUPPET)) {
    throw new Error(`${PUPPET} is missing: apt-get install puppet (CI does, see .ci/run)`);
  }
  root = mkdtempSync(join(tmpdir(), "reddot-puppet-"));
  // publicdir inside vardir, as in the packaged layouts (/var/cache/puppet/{public,state}).
  dirs = ["vardir", "confdir", "codedir", "logdir", "rundir"].flatMap((d) => [
    `--${d}`,
    join(root, d),
  ]);
  dirs.push("--publicdir", join(root, "vardir", "public"));
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Runs puppet with the temp dirs; failing resources make it exit non-zero, which is expected. */
async function puppet(args: string[]): Promise<void> {
  await run(PUPPET, [...args, ...dirs], { timeout: 60_000 }).catch(() => undefined);
}

function spec(): BuiltinCheckSpec {
  return {
    kind: "builtin",
    builtin: "puppet",
    name: "puppet",
    intervalMs: 60_000,
    timeoutMs: 10_000,
    params: {
      summary_path: join(root, "vardir", "public", "last_run_summary.yaml"),
      warn_age_seconds: 3600,
      crit_age_seconds: 7200,
    },
  };
}

async function check() {
  const impl = BUILTIN_CHECKS.get("puppet");
  if (!impl) throw new Error("no puppet builtin");
  return impl.run(spec(), {});
}

describe("puppet builtin with real puppet apply", () => {
  it("is OK after a run that applied everything", async () => {
    const manifest = join(root, "ok.pp");
    writeFileSync(manifest, `file { '${join(root, "ok.txt")}': content => "hello\\n" }\n`);
    await puppet(["apply", manifest]);
    const r = await check();
    expect(r.status).toBe(0);
  }, 90_000);

  it("is CRITICAL after a run with a failing resource", async () => {
    const manifest = join(root, "fail.pp");
    writeFileSync(manifest, "exec { 'fails': command => '/bin/false' }\n");
    await puppet(["apply", manifest]);
    const r = await check();
    expect(r.status).toBe(2);
    expect(r.output).toMatch(/fail/i);
  }, 90_000);

  it("warns with the message while the agent is disabled, and clears when enabled", async () => {
    await puppet(["agent", "--disable", "release freeze"]);
    // The lock goes to statedir, which the default lock path finds from the publicdir summary.
    const summary = join(root, "vardir", "public", "last_run_summary.yaml");
    expect(existsSync(defaultLockPath(summary))).toBe(true);
    const disabled = await check();
    expect(disabled.status).toBeGreaterThanOrEqual(1);
    expect(disabled.output).toContain("release freeze");
    await puppet(["agent", "--enable"]);
    const enabled = await check();
    expect(enabled.output).not.toContain("release freeze");
  }, 90_000);
});
