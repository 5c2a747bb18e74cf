import { describe, expect, it } from "vitest";
import {
  parseCpuinfo,
  parseDpkgQuery,
  parseMeminfo,
  parseMounts,
  parseOsRelease,
  parseRpmQa,
  parseSystemctlUnits,
} from "./parse.js";

describe("parseOsRelease", () => {
  it("reads keys lower-cased and unquotes values with os-release(5) rules", () => {
    const text = [
      "# comment",
      'PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"',
      "ID=rocky",
      "ID_LIKE='rhel centos fedora'",
      'VERSION_ID="9.3"',
      'ESCAPED="a \\"quoted\\" \\$word"',
      "",
      "not a pair",
    ].join("\n");
    expect(parseOsRelease(text)).toEqual({
      pretty_name: "Rocky Linux 9.3 (Blue Onyx)",
      id: "rocky",
      id_like: "rhel centos fedora",
      version_id: "9.3",
      escaped: 'a "quoted" $word',
    });
  });
});

describe("parseCpuinfo", () => {
  it("counts threads, cores and sockets on an x86 layout with hyperthreads", () => {
    // 1 socket, 2 cores, 2 threads each.
    const cpu = (n: number, core: number) =>
      [
        `processor\t: ${n}`,
        "vendor_id\t: GenuineIntel",
        "model name\t: Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz",
        "physical id\t: 0",
        `core id\t\t: ${core}`,
        "",
      ].join("\n");
    const text = [cpu(0, 0), cpu(1, 1), cpu(2, 0), cpu(3, 1)].join("\n");
    expect(parseCpuinfo(text)).toEqual({
      model: "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz",
      vendor: "GenuineIntel",
      sockets: 1,
      cores: 2,
      threads: 4,
    });
  });

  it("counts cores as threads on an ARM layout without core ids", () => {
    const text = [
      "processor\t: 0",
      "BogoMIPS\t: 108.00",
      "CPU implementer\t: 0x41",
      "",
      "processor\t: 1",
      "CPU implementer\t: 0x41",
      "",
      "Hardware\t: BCM2835",
    ].join("\n");
    expect(parseCpuinfo(text)).toEqual({
      model: "BCM2835",
      vendor: "0x41",
      sockets: 1,
      cores: 2,
      threads: 2,
    });
  });
});

describe("parseMeminfo", () => {
  it("converts kB (KiB) to bytes", () => {
    const text = "MemTotal:       16384 kB\nMemFree:  100 kB\nSwapTotal:      2048 kB\n";
    expect(parseMeminfo(text)).toEqual({
      total_bytes: 16384 * 1024,
      swap_total_bytes: 2048 * 1024,
    });
  });
});

describe("parseMounts", () => {
  it("unescapes octal escapes and sets the ro flag from the options", () => {
    const text = [
      "/dev/vda1 / ext4 rw,relatime 0 0",
      "/dev/sdb1 /mnt/my\\040disk vfat ro,nosuid 0 0",
      "",
    ].join("\n");
    expect(parseMounts(text)).toEqual([
      { device: "/dev/vda1", mountpoint: "/", fstype: "ext4", options: "rw,relatime", ro: false },
      {
        device: "/dev/sdb1",
        mountpoint: "/mnt/my disk",
        fstype: "vfat",
        options: "ro,nosuid",
        ro: true,
      },
    ]);
  });
});

describe("parseDpkgQuery", () => {
  it("keeps installed packages only, Multi-Arch names as dpkg gives them", () => {
    const text = [
      "openssl\t3.0.11-1~deb12u2\tamd64\tii ",
      "libc6:i386\t2.36-9+deb12u4\ti386\tii ",
      "oldpkg\t1.0\tamd64\trc ",
      "held\t2.0\tall\thi ",
      "",
    ].join("\n");
    expect(parseDpkgQuery(text)).toEqual({
      openssl: { version: "3.0.11-1~deb12u2", arch: "amd64" },
      "libc6:i386": { version: "2.36-9+deb12u4", arch: "i386" },
      held: { version: "2.0", arch: "all" },
    });
  });
});

describe("parseRpmQa", () => {
  it("keys duplicates by arch, then version, independently of rpm's order, and drops gpg-pubkey", () => {
    const text = [
      "kernel\t5.14.0-362.el9\tx86_64",
      "glibc\t2.34-83.el9\ti686",
      "openssl\t1:3.0.7-24.el9\tx86_64",
      "glibc\t2.34-83.el9\tx86_64",
      "gpg-pubkey\t8483c65d-5ccc5b19\t(none)",
      "kernel\t5.14.0-284.el9\tx86_64",
      "",
    ].join("\n");
    expect(parseRpmQa(text)).toEqual({
      glibc: { version: "2.34-83.el9", arch: "i686" },
      "glibc:x86_64": { version: "2.34-83.el9", arch: "x86_64" },
      kernel: { version: "5.14.0-284.el9", arch: "x86_64" },
      "kernel:x86_64": { version: "5.14.0-362.el9", arch: "x86_64" },
      openssl: { version: "1:3.0.7-24.el9", arch: "x86_64" },
    });
  });
});

describe("parseSystemctlUnits", () => {
  it("reads unit, load, active and sub", () => {
    const text = [
      "cron.service                 loaded    active   running Regular background program processing daemon",
      "● nginx.service              loaded    failed   failed  A high performance web server",
      "nfs-server.service           not-found inactive dead    nfs-server.service",
      "",
    ].join("\n");
    expect(parseSystemctlUnits(text)).toEqual({
      "cron.service": { load: "loaded", active: "active", sub: "running" },
      "nginx.service": { load: "loaded", active: "failed", sub: "failed" },
      "nfs-server.service": { load: "not-found", active: "inactive", sub: "dead" },
    });
  });
});
