import { describe, expect, it } from "vitest";
import { diffFacts } from "./diff.js";

describe("diffFacts", () => {
  it("is empty for equal documents, whatever their key order", () => {
    const a = {
      os: { id: "debian", version_id: "12" },
      packages: { bash: { version: "5.2", arch: "amd64" } },
    };
    const b = {
      packages: { bash: { arch: "amd64", version: "5.2" } },
      os: { version_id: "12", id: "debian" },
    };
    expect(diffFacts(a, b)).toEqual([]);
  });

  it("reports added, removed and changed nested leaves, sorted by path", () => {
    const before = {
      os: { id: "debian", version_id: "11", pretty_name: "Debian GNU/Linux 11 (bullseye)" },
      kernel: { release: "5.10.0-26-amd64" },
      custom: { rack: { row: 3, pdu: "a" } },
    };
    const after = {
      os: { id: "debian", version_id: "12", pretty_name: "Debian GNU/Linux 12 (bookworm)" },
      kernel: { release: "5.10.0-26-amd64" },
      custom: { rack: { row: 3 }, owner: { team: "db" } },
    };
    expect(diffFacts(before, after)).toEqual([
      { path: "custom.owner.team", after: "db" },
      { path: "custom.rack.pdu", before: "a" },
      {
        path: "os.pretty_name",
        before: "Debian GNU/Linux 11 (bullseye)",
        after: "Debian GNU/Linux 12 (bookworm)",
      },
      { path: "os.version_id", before: "11", after: "12" },
    ]);
  });

  it("compares packages and services per entry: upgrade, install, removal", () => {
    const before = {
      packages: {
        openssl: { version: "3.0.11-1~deb12u1", arch: "amd64" },
        telnet: { version: "0.17+2.4-2", arch: "amd64" },
        "libgtk-3.0": { version: "3.24.38-2", arch: "amd64" },
      },
      services: { "ssh.service": { load: "loaded", active: "active", sub: "running" } },
    };
    const after = {
      packages: {
        openssl: { version: "3.0.11-1~deb12u2", arch: "amd64" },
        nginx: { version: "1.22.1-9", arch: "amd64" },
        "libgtk-3.0": { version: "3.24.38-2", arch: "amd64" },
      },
      services: { "ssh.service": { load: "loaded", active: "failed", sub: "failed" } },
    };
    expect(diffFacts(before, after)).toEqual([
      { path: "packages.nginx", after: { version: "1.22.1-9", arch: "amd64" } },
      {
        path: "packages.openssl",
        before: { version: "3.0.11-1~deb12u1", arch: "amd64" },
        after: { version: "3.0.11-1~deb12u2", arch: "amd64" },
      },
      { path: "packages.telnet", before: { version: "0.17+2.4-2", arch: "amd64" } },
      {
        path: "services.ssh.service",
        before: { load: "loaded", active: "active", sub: "running" },
        after: { load: "loaded", active: "failed", sub: "failed" },
      },
    ]);
  });

  it("compares arrays as whole values, and handles a leaf turning into an object", () => {
    const mount = (ro: boolean) => ({
      device: "/dev/vda1",
      mountpoint: "/",
      fstype: "ext4",
      options: ro ? "ro" : "rw",
      ro,
    });
    const before = { mounts: [mount(false)], facter: null, custom: { x: 1 } };
    const after = {
      mounts: [mount(true)],
      facter: { os: { family: "Debian" } },
      custom: { x: { y: 1 } },
    };
    expect(diffFacts(before, after)).toEqual([
      { path: "custom.x", before: 1 },
      { path: "custom.x.y", after: 1 },
      { path: "facter", before: null },
      { path: "facter.os.family", after: "Debian" },
      { path: "mounts", before: [mount(false)], after: [mount(true)] },
    ]);
    // Same elements in another order is a change: order is part of an array's value.
    expect(diffFacts({ a: [1, 2] }, { a: [2, 1] })).toEqual([
      { path: "a", before: [1, 2], after: [2, 1] },
    ]);
  });
});
