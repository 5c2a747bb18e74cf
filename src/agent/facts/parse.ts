/**
 * Pure parsers for the text the facts collectors read: os-release, /proc
 * files, and the output of dpkg-query, rpm and systemctl. No I/O here, so
 * each is tested on fixture text.
 */

/**
 * os-release (freedesktop.org os-release(5)): `KEY=value` lines, values
 * optionally quoted with shell rules. Keys are lower-cased (`id`,
 * `version_id`, `pretty_name`).
 */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
    out[key.toLowerCase()] = unquoteShell(line.slice(eq + 1).trim());
  }
  return out;
}

/** The subset of shell quoting os-release(5) allows: "..." with \-escapes of $"\` and '...' literal. */
function unquoteShell(v: string): string {
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    return v.slice(1, -1).replace(/\\([$"\\`])/g, "$1");
  }
  return v;
}

/** CPU identity from /proc/cpuinfo. */
export interface CpuInfo {
  readonly model: string;
  readonly vendor: string;
  /** Physical packages (distinct `physical id`), at least 1. */
  readonly sockets: number;
  /** Distinct (physical id, core id) pairs; equals threads where cpuinfo has no core ids (ARM). */
  readonly cores: number;
  /** Logical CPUs (`processor` entries). */
  readonly threads: number;
}

/** Parses /proc/cpuinfo (x86 and ARM layouts). */
export function parseCpuinfo(text: string): CpuInfo {
  let threads = 0;
  let model = "";
  let vendor = "";
  const sockets = new Set<string>();
  const cores = new Set<string>();
  let phys = "";
  let core = "";
  const flush = (): void => {
    if (core !== "") cores.add(`${phys}/${core}`);
    phys = "";
    core = "";
  };
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    switch (key) {
      case "processor":
        // ARM kernels also print a global `Processor : <name>` line.
        if (/^\d+$/.test(value)) {
          flush();
          threads++;
        } else if (model === "") model = value;
        break;
      case "model name":
      case "Hardware":
      case "cpu model":
        if (model === "" || key === "model name") model = value;
        break;
      case "vendor_id":
      case "CPU implementer":
        if (vendor === "") vendor = value;
        break;
      case "physical id":
        phys = value;
        sockets.add(value);
        break;
      case "core id":
        core = value;
        break;
    }
  }
  flush();
  return {
    model,
    vendor,
    sockets: Math.max(1, sockets.size),
    cores: cores.size > 0 ? cores.size : threads,
    threads,
  };
}

/** Memory sizes from /proc/meminfo, in bytes. */
export interface MemInfo {
  readonly total_bytes: number;
  readonly swap_total_bytes: number;
}

/** Parses /proc/meminfo; its `kB` are KiB. Missing fields read as 0. */
export function parseMeminfo(text: string): MemInfo {
  const kib = (name: string): number => {
    const m = new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  };
  return { total_bytes: kib("MemTotal"), swap_total_bytes: kib("SwapTotal") };
}

/** One line of /proc/mounts. */
export interface MountFact {
  readonly device: string;
  readonly mountpoint: string;
  readonly fstype: string;
  readonly options: string;
  readonly ro: boolean;
}

/** Parses /proc/mounts (fstab format; spaces and the like octal-escaped as `\040`). */
export function parseMounts(text: string): MountFact[] {
  const out: MountFact[] = [];
  for (const line of text.split("\n")) {
    const f = line.split(" ");
    if (f.length < 4) continue;
    const options = unescapeOctal(f[3]);
    out.push({
      device: unescapeOctal(f[0]),
      mountpoint: unescapeOctal(f[1]),
      fstype: unescapeOctal(f[2]),
      options,
      ro: options.split(",").includes("ro"),
    });
  }
  return out;
}

function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** One installed package. */
export interface PackageFact {
  readonly version: string;
  readonly arch: string;
}

/** The dpkg-query format `parseDpkgQuery` reads. */
export const DPKG_QUERY_FORMAT =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own field syntax, not a template
  "${binary:Package}\\t${Version}\\t${Architecture}\\t${db:Status-Abbrev}\\n";

/**
 * Parses `dpkg-query -W -f=DPKG_QUERY_FORMAT`. Only installed packages count
 * (status abbreviation's second letter `i`); removed ones whose config files
 * remain (`rc`) are left out. `${binary:Package}` carries `:arch` only where
 * needed to tell Multi-Arch copies apart, so names are unique.
 */
export function parseDpkgQuery(text: string): Record<string, PackageFact> {
  const out: Record<string, PackageFact> = {};
  for (const line of text.split("\n")) {
    const f = line.split("\t");
    if (f.length < 4 || f[0] === "") continue;
    if (f[3][1] !== "i") continue;
    out[f[0]] = { version: f[1], arch: f[2] };
  }
  return out;
}

/** The rpm query format `parseRpmQa` reads; the epoch is written only when set, as rpm itself does. */
export const RPM_QUERY_FORMAT =
  "%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\n";

/**
 * Parses `rpm -qa --qf RPM_QUERY_FORMAT`. rpm allows one name installed for
 * several arches (`glibc` x86_64 and i686) or versions (`kernel`): the first
 * keeps the bare name, later ones become `name:arch`, then `name:arch:version`.
 * Lines are sorted first so the choice does not depend on rpm's order.
 */
export function parseRpmQa(text: string): Record<string, PackageFact> {
  const out: Record<string, PackageFact> = {};
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  lines.sort();
  for (const line of lines) {
    const f = line.split("\t");
    if (f.length < 3 || f[0] === "") continue;
    const [name, version, arch] = f;
    if (arch === "(none)" && name === "gpg-pubkey") continue; // signing keys, not software
    const fact = { version, arch };
    for (const key of [name, `${name}:${arch}`, `${name}:${arch}:${version}`]) {
      if (!(key in out)) {
        out[key] = fact;
        break;
      }
    }
  }
  return out;
}

/** One systemd unit's state. */
export interface ServiceFact {
  readonly load: string;
  readonly active: string;
  readonly sub: string;
}

/** Parses `systemctl list-units --type=service --all --no-legend --plain`: UNIT LOAD ACTIVE SUB DESCRIPTION. */
export function parseSystemctlUnits(text: string): Record<string, ServiceFact> {
  const out: Record<string, ServiceFact> = {};
  for (const line of text.split("\n")) {
    // Without --plain, failed units start with a bullet; strip it anyway.
    const f = line
      .replace(/^[●*]\s*/, "")
      .trim()
      .split(/\s+/);
    if (f.length < 4 || !f[0].includes(".")) continue;
    out[f[0]] = { load: f[1], active: f[2], sub: f[3] };
  }
  return out;
}
