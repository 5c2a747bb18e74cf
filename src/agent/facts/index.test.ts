import { access, chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isReddotError } from "../../lib/errors.js";
import { collectFacts, collectHostFacts, diffFacts } from "./index.js";

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "reddot-facts-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function put(file: string, text: string, mode = 0o644): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  await chmod(file, mode);
  return file;
}

async function onPath(cmd: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    try {
      await access(path.join(dir, cmd));
      return true;
    } catch {
      // not in this PATH entry
    }
  }
  return false;
}

describe("collectFacts on this host", () => {
  it("collects the real host's facts (Debian image: dpkg, /proc, /sys)", async () => {
    const f = await collectHostFacts();
    expect(f.os.id, "this test expects the project's Debian image").toBe("debian");
    expect(f.os.version_id).toMatch(/^\d+/);
    expect(f.kernel.release).toBe(os.release());
    expect(f.kernel.proc_version).toMatch(/^Linux version /);
    expect(f.cpu.cores).toBeGreaterThan(0);
    expect(f.cpu.threads).toBeGreaterThanOrEqual(f.cpu.cores);
    expect(f.cpu.model).not.toBe("");
    expect(f.memory.total_bytes).toBe(os.totalmem());
    expect(f.mounts.map((m: { mountpoint: string }) => m.mountpoint)).toContain("/");
    const lo = f.interfaces.find((i: { name: string }) => i.name === "lo");
    expect(lo?.addresses).toContainEqual({
      family: "inet",
      address: "127.0.0.1",
      cidr: "127.0.0.1/8",
    });
    for (const d of f.disks) {
      expect(typeof d.name).toBe("string");
      expect(d.size_bytes).toBeGreaterThanOrEqual(0);
      expect(d.name).not.toMatch(/^loop/);
    }
    expect(f.package_manager).toBe("dpkg");
    expect(f.packages.dpkg.version).toMatch(/^\d/);
    expect(f.packages.dpkg.arch).not.toBe("");
    expect(f.errors.packages).toBeUndefined();
    // Containers (this machine, CI) usually run without systemd as PID 1:
    // systemctl then fails, which is recorded rather than thrown.
    if (f.errors.services === undefined) {
      for (const s of Object.values(f.services) as { active: string }[])
        expect(s.active).not.toBe("");
    } else {
      expect(f.services).toEqual({});
      expect(f.errors.services).toMatch(/^systemctl: /);
    }
    if (await onPath("facter")) expect(f.facter).toBeTypeOf("object");
    else expect(f.facter).toBeNull();
    expect(f.custom).toEqual({});
    // The document is plain JSON.
    expect(JSON.parse(JSON.stringify(f))).toEqual(f);
  });

  it("rejects a timeout that is not a positive number with RD_AGENT_FACTS_OPTIONS", async () => {
    const e = await collectFacts({ timeoutMs: 0 }).catch((x: unknown) => x);
    expect(isReddotError(e) && e.code).toBe("RD_AGENT_FACTS_OPTIONS");
  });
});

describe("collectFacts on fixture roots", () => {
  it("parses fixture files and falls back to rpm when dpkg-query is absent", async () => {
    const root = path.join(tmp, "fixture");
    await put(
      path.join(root, "etc/os-release"),
      'ID=rocky\nVERSION_ID="9.3"\nPRETTY_NAME="Rocky Linux 9.3"\n',
    );
    await put(
      path.join(root, "proc/cpuinfo"),
      "processor\t: 0\nmodel name\t: Test CPU\nphysical id\t: 0\ncore id\t: 0\n\nprocessor\t: 1\nmodel name\t: Test CPU\nphysical id\t: 0\ncore id\t: 0\n",
    );
    await put(path.join(root, "proc/meminfo"), "MemTotal: 1000 kB\nSwapTotal: 500 kB\n");
    await put(path.join(root, "proc/mounts"), "/dev/sda1 / xfs ro,relatime 0 0\n");
    await put(path.join(root, "proc/version"), "Linux version 5.14.0 (fixture)\n");
    await put(path.join(root, "sys/block/sda/size"), "2048\n");
    await put(path.join(root, "sys/block/sda/queue/rotational"), "1\n");
    await put(path.join(root, "sys/block/sda/device/model"), "FIXTURE DISK    \n");
    await put(path.join(root, "sys/block/loop0/size"), "8\n");
    await put(path.join(root, "sys/class/net/fx0/address"), "52:54:00:12:34:56\n");
    await put(path.join(root, "sys/class/net/fx0/mtu"), "9000\n");
    await put(path.join(root, "sys/class/net/fx0/operstate"), "down\n");
    // rpm is legitimately absent on this Debian image: a stand-in executable
    // prints what `rpm -qa --qf FORMAT` prints, after checking its arguments.
    const rpm = await put(
      path.join(root, "bin/rpm"),
      `#!/bin/sh\n[ "$1" = -qa ] && [ "$2" = --qf ] || exit 2\nprintf 'bash\\t5.1.8-6.el9\\tx86_64\\nopenssl\\t1:3.0.7-24.el9\\tx86_64\\n'\n`,
      0o755,
    );
    const facter = await put(
      path.join(root, "bin/facter"),
      `#!/bin/sh\n[ "$1" = --json ] || exit 2\necho '{"os":{"family":"RedHat"}}'\n`,
      0o755,
    );
    const missing = path.join(root, "bin/missing");

    const f = await collectHostFacts({
      procRoot: path.join(root, "proc"),
      sysRoot: path.join(root, "sys"),
      etcRoot: path.join(root, "etc"),
      commands: { dpkgQuery: missing, rpm, systemctl: missing, facter },
    });

    expect(f.os).toEqual({ id: "rocky", version_id: "9.3", pretty_name: "Rocky Linux 9.3" });
    expect(f.kernel.proc_version).toBe("Linux version 5.14.0 (fixture)");
    expect(f.cpu).toEqual({ model: "Test CPU", vendor: "", sockets: 1, cores: 1, threads: 2 });
    expect(f.memory).toEqual({ total_bytes: 1000 * 1024, swap_total_bytes: 500 * 1024 });
    expect(f.mounts).toEqual([
      { device: "/dev/sda1", mountpoint: "/", fstype: "xfs", options: "ro,relatime", ro: true },
    ]);
    expect(f.disks).toEqual([
      {
        name: "sda",
        size_bytes: 2048 * 512,
        rotational: true,
        removable: false,
        ro: false,
        model: "FIXTURE DISK",
      },
    ]);
    expect(f.interfaces.find((i: { name: string }) => i.name === "fx0")).toEqual({
      name: "fx0",
      mac: "52:54:00:12:34:56",
      mtu: 9000,
      operstate: "down",
      addresses: [],
    });
    expect(f.package_manager).toBe("rpm");
    expect(f.packages).toEqual({
      bash: { version: "5.1.8-6.el9", arch: "x86_64" },
      openssl: { version: "1:3.0.7-24.el9", arch: "x86_64" },
    });
    expect(f.services).toEqual({});
    expect(f.facter).toEqual({ os: { family: "RedHat" } });
    expect(f.errors).toEqual({});
  });

  it("leaves sections empty and says why when files and tools are absent or misbehave", async () => {
    const empty = path.join(tmp, "empty");
    await mkdir(empty, { recursive: true });
    const slowFacter = await put(path.join(tmp, "bin2/facter"), "#!/bin/sh\nsleep 30\n", 0o755);
    const missing = path.join(tmp, "bin2/missing");
    const f = await collectHostFacts({
      procRoot: empty,
      sysRoot: empty,
      etcRoot: path.join(empty, "etc"),
      timeoutMs: 1000,
      commands: { dpkgQuery: missing, rpm: missing, systemctl: missing, facter: slowFacter },
    });
    expect(f.os).toEqual({});
    expect(f.cpu).toEqual({});
    expect(f.mounts).toEqual([]);
    expect(f.disks).toEqual([]);
    expect(f.package_manager).toBe("none");
    expect(f.packages).toEqual({});
    expect(f.facter).toBeNull();
    expect(Object.keys(f.errors).sort()).toEqual(["cpu", "facter", "memory", "mounts", "os"]);
    expect(f.errors.facter).toBe(`${slowFacter}: timed out after 1000 ms`);
  });
});

describe("collectFacts then diffFacts", () => {
  it("reports a changed custom fact between two collections of the real host", async () => {
    const dir = path.join(tmp, "custom.d");
    const fact = await put(path.join(dir, "role"), `#!/bin/sh\necho '{"role":"db"}'\n`, 0o755);
    const before = await collectFacts({ customFactDirs: [dir] });
    await put(fact, `#!/bin/sh\necho '{"role":"web"}'\n`, 0o755);
    const after = await collectFacts({ customFactDirs: [dir] });
    expect(diffFacts(before, after)).toContainEqual({
      path: "custom.role.role",
      before: "db",
      after: "web",
    });
  });
});
