/**
 * Facts that come from running host tools: packages (dpkg-query, else rpm),
 * systemd services (systemctl) and Puppet's facter. Each tool is optional; an
 * absent binary is not an error, a failing one is recorded, none throws.
 */

import { type RunOptions, runBounded, runFailure } from "../run-bounded.js";
import {
  DPKG_QUERY_FORMAT,
  type PackageFact,
  parseDpkgQuery,
  parseRpmQa,
  parseSystemctlUnits,
  RPM_QUERY_FORMAT,
  type ServiceFact,
} from "./parse.js";

/** Package lists reach a few MB on big hosts (~100 bytes a package); past this something is off. */
const MAX_PACKAGE_OUTPUT = 32 * 1024 * 1024;
const MAX_SYSTEMCTL_OUTPUT = 8 * 1024 * 1024;
const MAX_FACTER_OUTPUT = 16 * 1024 * 1024;

/** Names of the executables, looked up in PATH; tests swap in stand-ins. */
export interface FactCommands {
  readonly dpkgQuery: string;
  readonly rpm: string;
  readonly systemctl: string;
  readonly facter: string;
}

export const DEFAULT_COMMANDS: FactCommands = {
  dpkgQuery: "dpkg-query",
  rpm: "rpm",
  systemctl: "systemctl",
  facter: "facter",
};

/** A section's value and, when something went wrong, why. */
export interface Collected<T> {
  readonly value: T;
  readonly error?: string;
}

/** Which manager answered, and its packages by name. */
export interface PackagesResult {
  readonly manager: "dpkg" | "rpm" | "none";
  readonly packages: Record<string, PackageFact>;
}

/**
 * Installed packages: dpkg-query, or rpm when dpkg-query is absent. On
 * truncated output (too big, timed out) the complete lines read are kept and
 * the error says so.
 */
export async function collectPackages(
  cmds: FactCommands,
  timeoutMs: number,
): Promise<Collected<PackagesResult>> {
  const opts: RunOptions = { timeoutMs, maxStdoutBytes: MAX_PACKAGE_OUTPUT };
  const dpkg = await runBounded(cmds.dpkgQuery, ["-W", `-f=${DPKG_QUERY_FORMAT}`], opts);
  let manager: PackagesResult["manager"] = "dpkg";
  let r = dpkg;
  if (dpkg.spawnError?.code === "ENOENT") {
    manager = "rpm";
    r = await runBounded(cmds.rpm, ["-qa", "--qf", RPM_QUERY_FORMAT], opts);
    if (r.spawnError?.code === "ENOENT") {
      return { value: { manager: "none", packages: {} } };
    }
  }
  const complete = r.stdout.slice(0, r.stdout.lastIndexOf("\n") + 1);
  const packages = manager === "dpkg" ? parseDpkgQuery(complete) : parseRpmQa(complete);
  const failure = runFailure(r, opts);
  const cmd = manager === "dpkg" ? cmds.dpkgQuery : cmds.rpm;
  return {
    value: { manager, packages },
    ...(failure ? { error: `${cmd}: ${failure}` } : {}),
  };
}

/** systemd service units by unit name (`ssh.service`); empty where systemd is absent or not running. */
export async function collectServices(
  cmds: FactCommands,
  timeoutMs: number,
): Promise<Collected<Record<string, ServiceFact>>> {
  const opts: RunOptions = { timeoutMs, maxStdoutBytes: MAX_SYSTEMCTL_OUTPUT };
  const r = await runBounded(
    cmds.systemctl,
    ["list-units", "--type=service", "--all", "--no-legend", "--plain", "--no-pager"],
    opts,
  );
  if (r.spawnError?.code === "ENOENT") return { value: {} };
  const failure = runFailure(r, opts);
  if (failure) return { value: {}, error: `${cmds.systemctl}: ${failure}` };
  return { value: parseSystemctlUnits(r.stdout) };
}

/** `facter --json`; null when facter is not installed. */
export async function collectFacter(
  cmds: FactCommands,
  timeoutMs: number,
): Promise<Collected<Record<string, unknown> | null>> {
  const opts: RunOptions = { timeoutMs, maxStdoutBytes: MAX_FACTER_OUTPUT };
  const r = await runBounded(cmds.facter, ["--json"], opts);
  if (r.spawnError?.code === "ENOENT") return { value: null };
  const failure = runFailure(r, opts);
  if (failure) return { value: null, error: `${cmds.facter}: ${failure}` };
  const parsed = parseJsonObject(r.stdout);
  if (typeof parsed === "string") return { value: null, error: `${cmds.facter}: ${parsed}` };
  return { value: parsed };
}

/** The JSON object in `text`, or a string saying why it is not one. */
export function parseJsonObject(text: string): Record<string, unknown> | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `output is not JSON (${(e as Error).message})`;
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    const got = v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
    return `output is not a JSON object (got ${got})`;
  }
  return v as Record<string, unknown>;
}
