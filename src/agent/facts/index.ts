/**
 * Host facts: one JSON document per host, collected on start and compared
 * with the last one sent (`diffFacts`) so only changes travel. Collection
 * never throws for what a host lacks or what a tool does wrong: absent tools
 * leave their section empty, failures are written under `errors.<section>`
 * (and `custom_errors.<file>` for custom facts).
 */
import { ReddotError } from "../../lib/errors.js";
import type { Facts } from "../types.js";
import {
  collectFacter,
  collectPackages,
  collectServices,
  DEFAULT_COMMANDS,
  type FactCommands,
} from "./commands.js";
import { collectCustomFacts } from "./custom.js";
import type { CpuInfo, MemInfo, MountFact, PackageFact, ServiceFact } from "./parse.js";
import {
  type DiskFact,
  type InterfaceFact,
  readCpu,
  readDisks,
  readInterfaces,
  readKernel,
  readMemory,
  readMounts,
  readOs,
} from "./system.js";

export type { FactCommands } from "./commands.js";
export { diffFacts } from "./diff.js";
export type { CpuInfo, DiskFact, InterfaceFact, MemInfo, MountFact, PackageFact, ServiceFact };

/**
 * The document `collectFacts` returns, section by section. A section whose
 * source is missing is empty (`{}`, `[]`, or null for `facter`) and the reason
 * is in `errors.<section>`.
 */
export type HostFacts = {
  /** os-release(5), keys lower-cased: `id`, `version_id`, `pretty_name`, ... */
  readonly os: Readonly<Record<string, string>>;
  /** `name`, `release`, `version`, `machine` (uname -m), `arch` (Node's), `proc_version`. */
  readonly kernel: Readonly<Record<string, string>>;
  readonly cpu: CpuInfo | Record<string, never>;
  readonly memory: MemInfo | Record<string, never>;
  readonly disks: readonly DiskFact[];
  readonly mounts: readonly MountFact[];
  readonly interfaces: readonly InterfaceFact[];
  /** Which tool listed `packages`; `none` when neither dpkg-query nor rpm is installed. */
  readonly package_manager: "dpkg" | "rpm" | "none";
  readonly packages: Readonly<Record<string, PackageFact>>;
  /** systemd service units by unit name (`ssh.service`). */
  readonly services: Readonly<Record<string, ServiceFact>>;
  /** `facter --json`, null when facter is not installed or failed. */
  readonly facter: Readonly<Record<string, unknown>> | null;
  /** Custom fact documents by executable file name. */
  readonly custom: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Why a custom fact is missing, by file name (or by directory path for an unreadable directory). */
  readonly custom_errors: Readonly<Record<string, string>>;
  /** Why a section is empty or incomplete, by section name. */
  readonly errors: Readonly<Record<string, string>>;
};

/** Where facts are read from, and the bounds on what runs. */
export interface CollectFactsOptions {
  /** Default `/proc`. */
  readonly procRoot?: string;
  /** Default `/sys`. */
  readonly sysRoot?: string;
  /** Default `/etc` (os-release; falls back to `<etcRoot>/../usr/lib/os-release`). */
  readonly etcRoot?: string;
  /** Directories of custom fact executables; none by default. */
  readonly customFactDirs?: readonly string[];
  /** Timeout for each command run (dpkg-query, rpm, systemctl, facter, each custom fact). Default 30 s. */
  readonly timeoutMs?: number;
  /** Executable names or paths of the host tools; defaults are looked up in PATH. */
  readonly commands?: Partial<FactCommands>;
}

/** Default timeout per command: facter on a big host takes several seconds. */
export const DEFAULT_FACTS_TIMEOUT_MS = 30_000;

/** Collects the host's facts document (see docs/agent.md, "Facts"). */
export async function collectFacts(opts: CollectFactsOptions = {}): Promise<Facts> {
  return collectHostFacts(opts);
}

/** `collectFacts` with the document's type spelled out. */
export async function collectHostFacts(opts: CollectFactsOptions = {}): Promise<HostFacts> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_FACTS_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ReddotError(
      "RD_AGENT_FACTS_OPTIONS",
      400,
      `facts timeout: got ${timeoutMs}; want a positive number of milliseconds`,
    );
  }
  const procRoot = opts.procRoot ?? "/proc";
  const sysRoot = opts.sysRoot ?? "/sys";
  const etcRoot = opts.etcRoot ?? "/etc";
  const cmds: FactCommands = { ...DEFAULT_COMMANDS, ...opts.commands };

  const [os, kernel, cpu, memory, disks, mounts, interfaces, pkgs, services, facter, custom] =
    await Promise.all([
      readOs(etcRoot),
      readKernel(procRoot),
      readCpu(procRoot),
      readMemory(procRoot),
      readDisks(sysRoot),
      readMounts(procRoot),
      readInterfaces(sysRoot),
      collectPackages(cmds, timeoutMs),
      collectServices(cmds, timeoutMs),
      collectFacter(cmds, timeoutMs),
      collectCustomFacts(opts.customFactDirs ?? [], timeoutMs),
    ]);

  const errors: Record<string, string> = {};
  if (os === undefined) errors.os = `no os-release in ${etcRoot} or ${etcRoot}/../usr/lib`;
  if (cpu === undefined) errors.cpu = `cannot read ${procRoot}/cpuinfo`;
  if (memory === undefined) errors.memory = `cannot read ${procRoot}/meminfo`;
  if (mounts === undefined) errors.mounts = `cannot read ${procRoot}/mounts`;
  if (pkgs.error) errors.packages = pkgs.error;
  if (services.error) errors.services = services.error;
  if (facter.error) errors.facter = facter.error;

  return {
    os: os ?? {},
    kernel,
    cpu: cpu ?? {},
    memory: memory ?? {},
    disks,
    mounts: mounts ?? [],
    interfaces,
    package_manager: pkgs.value.manager,
    packages: pkgs.value.packages,
    services: services.value,
    facter: facter.value,
    custom: custom.custom,
    custom_errors: custom.errors,
    errors,
  };
}
