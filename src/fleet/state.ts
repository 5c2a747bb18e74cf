/**
 * What the server knows about each host reporting to it: last seen time,
 * agent version, the latest fact document (full documents replace it, changes
 * are applied to it), the latest output of each check, and the last
 * (runId, seq) taken, to drop a report delivered twice. One JSON file per host
 * under `<dataDir>/fleet/hosts/<host>.json`, written atomically (tmp, fsync,
 * rename, fsync of the directory).
 */
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { AgentReport, CheckStatus, FactChange, Facts } from "../agent/index.js";
import { ReddotError } from "../lib/errors.js";
import { isSafeHostName } from "./schema.js";

export interface HostCheckState {
  readonly status: CheckStatus;
  readonly output: string;
  readonly longOutput: string;
  /** When the check run ended (ms since epoch). */
  readonly time: number;
}

export interface HostRecord {
  readonly host: string;
  /** Server receive time of the latest report (ms since epoch). */
  readonly lastSeen: number;
  readonly agentVersion: string;
  readonly facts?: Facts;
  readonly checks: Readonly<Record<string, HostCheckState>>;
  readonly runId: string;
  readonly seq: number;
}

const FILE_VERSION = 1;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Sections whose direct children are one entry each, whatever dots their names hold (as diffFacts). */
const ENTRY_SECTIONS = new Set(["packages", "services"]);

function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Applies `changes` (from diffFacts) to a copy of `facts`. A key holding a dot
 * is found when it exists in the document; a new one is split at every dot,
 * except below `packages` and `services`, whose entries are leaves.
 */
export function applyFactChanges(facts: Facts, changes: readonly FactChange[]): Facts {
  const doc = structuredClone(facts) as Record<string, unknown>;
  for (const c of changes) {
    const keys = splitPath(doc, c.path);
    let obj = doc;
    for (const k of keys.slice(0, -1)) {
      let next = Object.hasOwn(obj, k) ? obj[k] : undefined;
      if (!isPlainObject(next)) {
        if (c.after === undefined) {
          next = undefined;
          break;
        }
        next = {};
        setOwn(obj, k, next);
      }
      obj = next as Record<string, unknown>;
    }
    const last = keys[keys.length - 1] as string;
    if (c.after === undefined) delete obj[last];
    else setOwn(obj, last, structuredClone(c.after));
  }
  return doc;
}

function splitPath(doc: Record<string, unknown>, path: string): string[] {
  const first = path.indexOf(".");
  if (first > 0 && ENTRY_SECTIONS.has(path.slice(0, first))) {
    return [path.slice(0, first), path.slice(first + 1)];
  }
  const keys: string[] = [];
  let obj: unknown = doc;
  let rest = path;
  while (rest !== "") {
    if (isPlainObject(obj) && Object.hasOwn(obj, rest)) {
      keys.push(rest);
      break;
    }
    // The longest prefix that is an existing key, else up to the first dot.
    let cut = -1;
    if (isPlainObject(obj)) {
      for (let i = rest.lastIndexOf("."); i > 0; i = rest.lastIndexOf(".", i - 1)) {
        if (Object.hasOwn(obj, rest.slice(0, i))) {
          cut = i;
          break;
        }
      }
    }
    if (cut < 0) cut = rest.indexOf(".");
    if (cut < 0) {
      keys.push(rest);
      break;
    }
    const k = rest.slice(0, cut);
    keys.push(k);
    obj = isPlainObject(obj) && Object.hasOwn(obj, k) ? obj[k] : undefined;
    rest = rest.slice(cut + 1);
  }
  return keys;
}

/** The hosts reporting to this server, kept in memory and under `<dataDir>/fleet/hosts`. */
export class FleetState {
  readonly #dir: string;
  readonly #hosts = new Map<string, HostRecord>();
  /** Per host, the tail of the chain of updates, so one host's reports apply in order. */
  readonly #locks = new Map<string, Promise<unknown>>();

  private constructor(dir: string) {
    this.#dir = dir;
  }

  /** Opens (creating) `<dataDir>/fleet/hosts` and loads every host file in it. */
  static async open(dataDir: string): Promise<FleetState> {
    const state = new FleetState(join(dataDir, "fleet", "hosts"));
    await mkdir(state.#dir, { recursive: true });
    for (const name of await readdir(state.#dir)) {
      if (name.endsWith(".tmp")) {
        await rm(join(state.#dir, name), { force: true });
        continue;
      }
      if (!name.endsWith(".json")) continue;
      const host = name.slice(0, -".json".length);
      if (!isSafeHostName(host)) continue;
      const path = join(state.#dir, name);
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(path, "utf8"));
      } catch (cause) {
        throw new ReddotError(
          "RD_FLEET_STATE",
          500,
          `${path}: not a JSON host record: ${(cause as Error).message}; move it aside to start without it`,
          { cause },
        );
      }
      if (!isPlainObject(parsed) || parsed.version !== FILE_VERSION || parsed.host !== host) {
        throw new ReddotError(
          "RD_FLEET_STATE",
          500,
          `${path}: not a version ${FILE_VERSION} host record for ${host}; move it aside to start without it`,
        );
      }
      const { version: _v, ...record } = parsed;
      state.#hosts.set(host, record as unknown as HostRecord);
    }
    return state;
  }

  /** True when `report` (same run, seq not after the last taken) was taken already. */
  isDuplicate(report: Pick<AgentReport, "host" | "runId" | "seq">): boolean {
    const h = this.#hosts.get(report.host);
    return h !== undefined && h.runId === report.runId && report.seq <= h.seq;
  }

  get(host: string): HostRecord | undefined {
    return this.#hosts.get(host);
  }

  /** Every host, by name. */
  list(): HostRecord[] {
    return [...this.#hosts.values()].sort((a, b) =>
      a.host < b.host ? -1 : a.host > b.host ? 1 : 0,
    );
  }

  /** Takes `report` (already validated): merges facts and check outputs, persists the host file. */
  record(report: AgentReport, receivedAtMs: number): Promise<HostRecord> {
    const prev = this.#locks.get(report.host) ?? Promise.resolve();
    const next = prev.then(
      () => this.#record(report, receivedAtMs),
      () => this.#record(report, receivedAtMs),
    );
    this.#locks.set(report.host, next);
    void next
      .finally(() => {
        if (this.#locks.get(report.host) === next) this.#locks.delete(report.host);
      })
      .catch(() => {});
    return next;
  }

  async #record(report: AgentReport, receivedAtMs: number): Promise<HostRecord> {
    const old = this.#hosts.get(report.host);
    let facts = old?.facts;
    if (report.facts !== undefined) {
      facts =
        "full" in report.facts
          ? report.facts.full
          : applyFactChanges(facts ?? {}, report.facts.changes);
    }
    const checks: Record<string, HostCheckState> = { ...old?.checks };
    for (const c of report.checks) {
      const time = Math.round(c.startedAt + c.durationMs);
      const before = checks[c.check];
      if (before !== undefined && before.time > time) continue;
      checks[c.check] = { status: c.status, output: c.output, longOutput: c.longOutput, time };
    }
    const rec: HostRecord = {
      host: report.host,
      lastSeen: Math.max(receivedAtMs, old?.lastSeen ?? 0),
      agentVersion: report.agentVersion,
      ...(facts !== undefined ? { facts } : {}),
      checks,
      runId: report.runId,
      seq: report.seq,
    };
    await this.#write(rec);
    this.#hosts.set(rec.host, rec);
    return rec;
  }

  async #write(rec: HostRecord): Promise<void> {
    const file = join(this.#dir, `${rec.host}.json`);
    const tmp = `${file}.tmp`;
    const data = JSON.stringify({ version: FILE_VERSION, ...rec });
    const fh = await open(tmp, "w", 0o640);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    const dh = await open(this.#dir, "r");
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  }
}
