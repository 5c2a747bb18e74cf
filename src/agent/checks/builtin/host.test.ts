import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_CHECKS } from "./index.js";
import { runBuiltin, validate } from "./test-helpers.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "reddot-builtin-host-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A directory standing in for /proc with the given files. */
async function procRoot(name: string, files: Record<string, string>): Promise<string> {
  const root = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

describe("registry", () => {
  it("has every builtin id", () => {
    expect([...BUILTIN_CHECKS.keys()].sort()).toEqual(
      [
        "disk",
        "file_age",
        "http",
        "load",
        "memory",
        "process",
        "puppet",
        "readonly_mounts",
        "systemd_unit",
        "tcp",
      ].sort(),
    );
  });

  it("answers UNKNOWN with the problems when params are bad, without throwing", async () => {
    const r = await runBuiltin("memory", { warn_percent_used: "lots" });
    expect(r.status).toBe(3);
    expect(r.output).toContain("warn_percent_used");
    expect(r.output).toContain("crit_percent_used: is required");
    expect(r.check).toBe("test_memory");
  });

  it("turns a failure to measure into UNKNOWN with the reason", async () => {
    const r = await runBuiltin(
      "process",
      { name: "sshd" },
      { procRoot: join(dir, "no-such-proc") },
    );
    expect(r.status).toBe(3);
    expect(r.output).toMatch(/^UNKNOWN: builtin process failed: ENOENT: no such file or directory/);
  });

  it("rejects unknown params (typos)", () => {
    expect(
      validate("memory", { warn_percent_used: 80, crit_percent_used: 90, crit_percent: 95 }),
    ).toEqual([expect.stringMatching(/^crit_percent: unknown param/)]);
  });
});

describe("disk", () => {
  it("measures / and a temp dir with statfs", async () => {
    const r = await runBuiltin("disk", {
      mountpoints: ["/", dir],
      warn_percent_used: 100,
      crit_percent_used: 100,
    });
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/^DISK OK: 2 filesystems, fullest .* at [\d.]+% used$/);
    const used = r.perfdata.find((d) => d.label === "/ used");
    expect(used?.uom).toBe("B");
    expect(used?.value).toBeGreaterThan(0);
    expect(used?.max).toBeGreaterThan(used?.value ?? 0);
    const pct = r.perfdata.find((d) => d.label === "/ used_pct");
    expect(pct).toMatchObject({ uom: "%", warn: "100", crit: "100", min: 0, max: 100 });
  });

  it("is CRITICAL past the threshold and names the mount", async () => {
    // Any filesystem holding this repository uses more than 0%.
    const r = await runBuiltin("disk", {
      mountpoints: ["/"],
      warn_percent_used: 0,
      crit_percent_used: 0,
    });
    expect(r.status).toBe(2);
    expect(r.output).toMatch(/^DISK CRITICAL: \/ [\d.]+% used \(.* free\)/);
  });

  it("is UNKNOWN for a mountpoint that does not exist", async () => {
    const r = await runBuiltin("disk", {
      mountpoints: [join(dir, "nope")],
      warn_percent_used: 80,
      crit_percent_used: 90,
    });
    expect(r.status).toBe(3);
    expect(r.output).toContain("cannot be measured");
  });

  it("by default checks the real mounts of this host", async () => {
    const r = await runBuiltin("disk", { warn_percent_used: 100, crit_percent_used: 100 });
    expect(r.status).toBe(0);
    expect(r.perfdata.some((d) => d.label === "/ used_pct")).toBe(true);
  });

  it("validates", () => {
    expect(
      validate("disk", { warn_percent_used: 95, crit_percent_used: 90, mountpoints: ["var"] }),
    ).toEqual([
      expect.stringMatching(/^mountpoints: .*absolute path/),
      expect.stringMatching(/^warn_percent_used: got 95, above crit_percent_used 90/),
    ]);
    expect(validate("disk", { warn_percent_used: 120, crit_percent_used: 90 })[0]).toMatch(
      /^warn_percent_used: got 120; want at most 100/,
    );
  });
});

const MOUNTS = [
  "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
  "sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0",
  "/dev/sda1 / ext4 rw,relatime,errors=remount-ro 0 0",
  "/dev/loop3 /snap/core22/1380 squashfs ro,nodev,relatime,errors=continue,threads=single 0 0",
  "/dev/sr0 /media/cdrom iso9660 ro,nosuid,nodev,relatime 0 0",
  "tmpfs /run tmpfs rw,nosuid,nodev,size=1617080k,mode=755 0 0",
].join("\n");

describe("readonly_mounts", () => {
  it("is OK when only pseudo and by-design read-only filesystems are ro", async () => {
    const root = await procRoot("mounts-ok", { "self/mounts": `${MOUNTS}\n` });
    const r = await runBuiltin("readonly_mounts", {}, { procRoot: root });
    expect(r.status).toBe(0);
    expect(r.output).toBe("MOUNTS OK: all 2 mounts are read-write");
  });

  it("is CRITICAL for an ext4 mount remounted ro, with the mount named", async () => {
    const root = await procRoot("mounts-ro", {
      "self/mounts": `${MOUNTS}\n/dev/sdb1 /srv/backup\\040disk ext4 ro,relatime 0 0\n`,
    });
    const r = await runBuiltin("readonly_mounts", {}, { procRoot: root });
    expect(r.status).toBe(2);
    expect(r.output).toBe("MOUNTS CRITICAL: read-only: /srv/backup disk (ext4 on /dev/sdb1)");
    expect(r.perfdata[0]).toMatchObject({ label: "readonly_mounts", value: 1 });
    const ignored = await runBuiltin(
      "readonly_mounts",
      { ignore_mountpoints: ["/srv/*"] },
      { procRoot: root },
    );
    expect(ignored.status).toBe(0);
    const byType = await runBuiltin(
      "readonly_mounts",
      { ignore_fstypes: ["ext4"] },
      { procRoot: root },
    );
    expect(byType.status).toBe(0);
  });

  it("reads this host's real mount table", async () => {
    const r = await runBuiltin("readonly_mounts", {});
    expect([0, 2]).toContain(r.status);
    expect(r.output).toMatch(/^MOUNTS (OK|CRITICAL): /);
  });

  it("validates", () => {
    expect(validate("readonly_mounts", { ignore_fstypes: "ext4" })[0]).toMatch(
      /^ignore_fstypes: .*list/,
    );
  });
});

describe("load", () => {
  const stat = "cpu  1 2 3 4\ncpu0 1 2 3 4\ncpu1 1 2 3 4\nintr 5\n";

  it("compares each average with its threshold", async () => {
    const root = await procRoot("load", { loadavg: "3.50 1.20 0.80 2/345 6789\n", stat });
    const ok = await runBuiltin("load", { warn: [4, 3, 2], crit: [8, 6, 4] }, { procRoot: root });
    expect(ok.status).toBe(0);
    expect(ok.output).toBe("LOAD OK: load average 3.50, 1.20, 0.80");
    expect(ok.perfdata.map((d) => [d.label, d.value, d.warn, d.crit])).toEqual([
      ["load1", 3.5, "4", "8"],
      ["load5", 1.2, "3", "6"],
      ["load15", 0.8, "2", "4"],
    ]);
    const warn = await runBuiltin("load", { warn: 3, crit: 10 }, { procRoot: root });
    expect(warn.status).toBe(1);
    const crit = await runBuiltin("load", { warn: [1, 1, 1], crit: [3, 9, 9] }, { procRoot: root });
    expect(crit.status).toBe(2);
  });

  it("scales thresholds by the CPU count with per_cpu", async () => {
    const root = await procRoot("load-cpu", { loadavg: "3.50 1.20 0.80 2/345 6789\n", stat });
    const r = await runBuiltin("load", { warn: 1.5, crit: 2, per_cpu: true }, { procRoot: root });
    expect(r.status).toBe(1);
    expect(r.output).toBe("LOAD WARNING: load average 3.50, 1.20, 0.80 on 2 CPUs");
    expect(r.perfdata[0]).toMatchObject({ warn: "3", crit: "4" });
  });

  it("reads the real /proc/loadavg", async () => {
    const r = await runBuiltin("load", { warn: 10_000, crit: 10_000, per_cpu: true });
    expect(r.status).toBe(0);
  });

  it("is UNKNOWN when loadavg is missing", async () => {
    const root = await procRoot("load-missing", { stat });
    const r = await runBuiltin("load", { warn: 1, crit: 2 }, { procRoot: root });
    expect(r.status).toBe(3);
    expect(r.output).toContain("ENOENT");
  });

  it("validates", () => {
    expect(validate("load", { warn: [1, 2], crit: 5 })[0]).toMatch(/^warn: .*list of three/);
    expect(validate("load", { warn: [5, 5, 5], crit: [4, 6, 6] })[0]).toMatch(
      /^warn\[0\]: got 5, above crit\[0\] 4/,
    );
  });
});

describe("memory", () => {
  const meminfo = (availKb: number): string =>
    `MemTotal:        1000000 kB\nMemFree:          100000 kB\nMemAvailable:    ${availKb} kB\nBuffers:           10000 kB\nCached:           200000 kB\nSwapTotal:             0 kB\n`;

  it("uses MemAvailable", async () => {
    const ok = await runBuiltin(
      "memory",
      { warn_percent_used: 80, crit_percent_used: 90 },
      { procRoot: await procRoot("mem-ok", { meminfo: meminfo(500_000) }) },
    );
    expect(ok.status).toBe(0);
    expect(ok.output).toBe("MEMORY OK: 50.0% used, 488.3 MiB available of 976.6 MiB");
    expect(ok.perfdata[0]).toMatchObject({
      label: "mem_used_pct",
      value: 50,
      uom: "%",
      warn: "80",
      crit: "90",
    });
    const warn = await runBuiltin(
      "memory",
      { warn_percent_used: 80, crit_percent_used: 90 },
      { procRoot: await procRoot("mem-w", { meminfo: meminfo(150_000) }) },
    );
    expect(warn.status).toBe(1);
    const crit = await runBuiltin(
      "memory",
      { warn_percent_used: 80, crit_percent_used: 90 },
      { procRoot: await procRoot("mem-c", { meminfo: meminfo(50_000) }) },
    );
    expect(crit.status).toBe(2);
    expect(crit.output).toMatch(/^MEMORY CRITICAL: 95.0% used/);
  });

  it("reads the real /proc/meminfo", async () => {
    const r = await runBuiltin("memory", { warn_percent_used: 100, crit_percent_used: 100 });
    expect(r.status).toBe(0);
    expect(r.perfdata[1]?.max).toBeGreaterThan(0);
  });
});

describe("process", () => {
  it("counts real processes by comm and by cmdline", async () => {
    // This test runs in a node process; vitest's workers are node too.
    const byName = await runBuiltin("process", { name: "node" });
    expect(byName.status).toBe(0);
    expect(byName.output).toMatch(/^PROCS OK: \d+ process(es)? named "node"$/);
    const none = await runBuiltin("process", { cmdline: "no-such-program-[x]yz" });
    expect(none.status).toBe(2);
    expect(none.output).toBe(
      "PROCS CRITICAL: 0 processes matching /no-such-program-[x]yz/, want at least 1",
    );
  });

  it("applies min and max against a fixture", async () => {
    const root = await procRoot("procs", {
      "1/comm": "systemd\n",
      "1/cmdline": "/sbin/init\0splash\0",
      "20/comm": "sshd\n",
      "20/cmdline": "sshd: /usr/sbin/sshd -D [listener]\0",
      "21/comm": "sshd\n",
      "21/cmdline": "sshd: alice [priv]\0",
      "self/comm": "x\n",
    });
    expect(
      (await runBuiltin("process", { name: "sshd", min: 1, max: 2 }, { procRoot: root })).status,
    ).toBe(0);
    const tooMany = await runBuiltin("process", { name: "sshd", max: 1 }, { procRoot: root });
    expect(tooMany.status).toBe(2);
    expect(tooMany.output).toBe('PROCS CRITICAL: 2 processes named "sshd", want exactly 1');
    expect(tooMany.perfdata[0]).toMatchObject({ label: "procs", value: 2, crit: "1:1" });
    const re = await runBuiltin("process", { cmdline: "^/sbin/init splash$" }, { procRoot: root });
    expect(re.status).toBe(0);
  });

  it("validates", () => {
    expect(validate("process", {})[0]).toMatch(/^name: give exactly one of name/);
    expect(validate("process", { name: "a", cmdline: "b" })[0]).toMatch(/^name: give exactly one/);
    expect(validate("process", { cmdline: "(" })[0]).toMatch(/^cmdline: bad regular expression/);
    expect(validate("process", { name: "a", min: 3, max: 2 })[0]).toMatch(
      /^max: got 2; want at least min \(3\)/,
    );
  });
});
