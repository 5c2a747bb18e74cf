/**
 * Facts read from files (/etc, /proc, /sys) and node:os: no processes run.
 * Each reader takes its root directory so tests can point it at fixtures.
 */
import { readdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  type CpuInfo,
  type MemInfo,
  type MountFact,
  parseCpuinfo,
  parseMeminfo,
  parseMounts,
  parseOsRelease,
} from "./parse.js";

/** Small files only: /proc and /sys entries, os-release. Larger means something is wrong. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Reads a small text file whole; undefined when it does not exist or cannot be read. */
export async function readSmall(file: string): Promise<string | undefined> {
  try {
    const buf = await readFile(file);
    return buf.subarray(0, MAX_FILE_BYTES).toString("utf8");
  } catch {
    // Absent or unreadable: the fact is simply not there (containers hide much of /sys).
    return undefined;
  }
}

/** os-release(5): `<etcRoot>/os-release`, falling back to `<etcRoot>/../usr/lib/os-release`. */
export async function readOs(etcRoot: string): Promise<Record<string, string> | undefined> {
  const text =
    (await readSmall(path.join(etcRoot, "os-release"))) ??
    (await readSmall(path.join(etcRoot, "..", "usr", "lib", "os-release")));
  return text === undefined ? undefined : parseOsRelease(text);
}

/** Kernel facts; release/version/arch come from the running kernel (node:os), not from procRoot. */
export async function readKernel(procRoot: string): Promise<Record<string, string>> {
  const procVersion = (await readSmall(path.join(procRoot, "version")))?.trim() ?? "";
  return {
    name: os.type(),
    release: os.release(),
    version: os.version(),
    /** uname -m (`x86_64`, `aarch64`). */
    machine: os.machine(),
    /** Node's name for it (`x64`, `arm64`). */
    arch: os.arch(),
    proc_version: procVersion,
  };
}

export async function readCpu(procRoot: string): Promise<CpuInfo | undefined> {
  const text = await readSmall(path.join(procRoot, "cpuinfo"));
  return text === undefined ? undefined : parseCpuinfo(text);
}

export async function readMemory(procRoot: string): Promise<MemInfo | undefined> {
  const text = await readSmall(path.join(procRoot, "meminfo"));
  return text === undefined ? undefined : parseMeminfo(text);
}

export async function readMounts(procRoot: string): Promise<MountFact[] | undefined> {
  const text = await readSmall(path.join(procRoot, "mounts"));
  return text === undefined ? undefined : parseMounts(text);
}

/** One block device. */
export interface DiskFact {
  readonly name: string;
  readonly size_bytes: number;
  readonly rotational: boolean;
  readonly removable: boolean;
  readonly ro: boolean;
  /** `device/model` (whole disks on SCSI/SATA/NVMe); "" where the kernel has none (virtio). */
  readonly model: string;
}

/**
 * Block devices from `<sysRoot>/block`, by name. Loop and RAM disks are left
 * out: they come and go with snaps and images and would make every diff noisy.
 */
export async function readDisks(sysRoot: string): Promise<DiskFact[]> {
  const dir = path.join(sysRoot, "block");
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    // No /sys/block (a container without sysfs): no disk facts.
    return [];
  }
  const disks: DiskFact[] = [];
  for (const name of names.sort()) {
    if (/^(loop|ram)\d/.test(name)) continue;
    const read = async (rel: string): Promise<string> =>
      (await readSmall(path.join(dir, name, rel)))?.trim() ?? "";
    // `size` counts 512-byte sectors whatever the device's real sector size.
    const sectors = Number(await read("size"));
    disks.push({
      name,
      size_bytes: Number.isFinite(sectors) ? sectors * 512 : 0,
      rotational: (await read("queue/rotational")) === "1",
      removable: (await read("removable")) === "1",
      ro: (await read("ro")) === "1",
      model: await read("device/model"),
    });
  }
  return disks;
}

/** One address of an interface. */
export interface AddressFact {
  /** `inet` or `inet6`. */
  readonly family: string;
  readonly address: string;
  /** `address/prefix`. */
  readonly cidr: string;
}

/** One network interface. */
export interface InterfaceFact {
  readonly name: string;
  readonly mac: string;
  /** 0 when sysfs does not say. */
  readonly mtu: number;
  /** `up`, `down`, `unknown` (loopback, some virtual devices), "" when sysfs does not say. */
  readonly operstate: string;
  readonly addresses: readonly AddressFact[];
}

/**
 * Interfaces: names from `<sysRoot>/class/net` (so ones without an address
 * count too) joined with node:os networkInterfaces() for addresses. The
 * addresses always come from the live host.
 */
export async function readInterfaces(sysRoot: string): Promise<InterfaceFact[]> {
  const dir = path.join(sysRoot, "class", "net");
  const live = os.networkInterfaces();
  const names = new Set(Object.keys(live));
  try {
    for (const n of await readdir(dir)) names.add(n);
  } catch {
    // No sysfs: node:os alone names the interfaces (ones with addresses only).
  }
  const out: InterfaceFact[] = [];
  for (const name of [...names].sort()) {
    const read = async (rel: string): Promise<string> =>
      (await readSmall(path.join(dir, name, rel)))?.trim() ?? "";
    const addrs = live[name] ?? [];
    const addresses = addrs
      .map((a) => ({
        family: a.family === "IPv6" ? "inet6" : "inet",
        address: a.address,
        cidr: a.cidr ?? a.address,
      }))
      .sort((a, b) => (a.cidr < b.cidr ? -1 : a.cidr > b.cidr ? 1 : 0));
    const mtu = Number(await read("mtu"));
    out.push({
      name,
      mac: (await read("address")) || (addrs[0]?.mac ?? ""),
      mtu: Number.isFinite(mtu) ? mtu : 0,
      operstate: await read("operstate"),
      addresses,
    });
  }
  return out;
}
