import { randomUUID } from "node:crypto";
import { ReddotError } from "../lib/errors.js";
import type { MetaDb, SilencesTable } from "../meta/index.js";
import {
  type Matcher,
  type MatchType,
  matchesLabels,
  matchesValue,
  newMatcher,
} from "./matchers.js";

/*
 * Ad-hoc silences, as Alertmanager's (silence/silence.go): a set of matchers
 * and a time range; an alert whose labels every matcher accepts gets no
 * notification while the silence is active. Stored in the metadata DB
 * (`silences` table, docs/formats/meta-db.md) and mirrored in memory so the
 * dispatcher asks synchronously.
 */

/** Derived from the clock: pending before startsAt, active until endsAt, then expired. */
export type SilenceState = "pending" | "active" | "expired";

/** One silence. Times are ms since the epoch. */
export interface Silence {
  readonly id: string;
  readonly matchers: readonly Matcher[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What a client sends to create or update a silence (an `id` updates that silence). */
export interface SilenceInput {
  readonly id?: string;
  readonly matchers: readonly Matcher[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
}

/** Filter of `list`: Alertmanager's filter matchers and/or states. */
export interface SilenceFilter {
  readonly matchers?: readonly Matcher[];
  readonly state?: SilenceState | readonly SilenceState[];
}

/** How long an expired silence is kept before it is deleted (Alertmanager's default, 120h). */
export const SILENCE_RETENTION_MS = 5 * 24 * 3600_000;
/** Most active + pending silences at once. */
export const MAX_SILENCES = 10_000;
/** Most matchers in one silence. */
export const MAX_SILENCE_MATCHERS = 100;
/** Longest `createdBy`. */
export const MAX_SILENCE_AUTHOR = 256;
/** Longest `comment`. */
export const MAX_SILENCE_COMMENT = 4096;

/** State of `s` at `now` (endsAt is exclusive: at endsAt the silence is expired). */
export function silenceState(s: Pick<Silence, "startsAt" | "endsAt">, now: number): SilenceState {
  if (now < s.startsAt) return "pending";
  if (now >= s.endsAt) return "expired";
  return "active";
}

function badSilence(field: string, why: string): ReddotError {
  return new ReddotError("RD_BAD_SILENCE", 400, `invalid silence: ${field}: ${why}`);
}

function notFound(id: string): ReddotError {
  return new ReddotError("RD_SILENCE_NOT_FOUND", 404, `no silence with id ${JSON.stringify(id)}`);
}

/** Throws RD_BAD_SILENCE naming the field when `s` is not a storable silence. */
export function validateSilence(s: SilenceInput): void {
  if (s.matchers.length === 0) throw badSilence("matchers", "at least one matcher is required");
  if (s.matchers.length > MAX_SILENCE_MATCHERS) {
    throw badSilence(
      "matchers",
      `at most ${MAX_SILENCE_MATCHERS} matchers, got ${s.matchers.length}`,
    );
  }
  for (const [i, m] of s.matchers.entries()) {
    if (m.name === "") throw badSilence(`matchers[${i}].name`, "empty label name");
  }
  // As Alertmanager: a silence whose every matcher accepts "" would mute every alert.
  if (s.matchers.every((m) => matchesValue(m, ""))) {
    throw badSilence("matchers", "at least one matcher must not match the empty string");
  }
  if (!Number.isFinite(s.startsAt)) throw badSilence("startsAt", "not a time");
  if (!Number.isFinite(s.endsAt)) throw badSilence("endsAt", "not a time");
  if (s.endsAt <= s.startsAt) throw badSilence("endsAt", "must be after startsAt");
  if (s.createdBy.trim() === "") throw badSilence("createdBy", "required");
  if (s.createdBy.length > MAX_SILENCE_AUTHOR) {
    throw badSilence("createdBy", `longer than ${MAX_SILENCE_AUTHOR} characters`);
  }
  if (s.comment.trim() === "") throw badSilence("comment", "required");
  if (s.comment.length > MAX_SILENCE_COMMENT) {
    throw badSilence("comment", `longer than ${MAX_SILENCE_COMMENT} characters`);
  }
}

function sameMatchers(a: readonly Matcher[], b: readonly Matcher[]): boolean {
  const key = (ms: readonly Matcher[]) =>
    ms
      .map((m) => JSON.stringify([m.name, m.type, m.value]))
      .sort()
      .join("\n");
  return key(a) === key(b);
}

/**
 * Whether `next` may replace `prev` in place (Alertmanager's canUpdate): same
 * matchers; a pending silence may move its start, but not into the past; an
 * active one keeps its start and may not end in the past; an expired one never.
 */
function canUpdate(prev: Silence, next: SilenceInput, now: number): boolean {
  if (!sameMatchers(prev.matchers, next.matchers)) return false;
  switch (silenceState(prev, now)) {
    case "pending":
      return next.startsAt >= now;
    case "active":
      return next.startsAt === prev.startsAt && next.endsAt >= now;
    case "expired":
      return false;
  }
}

const MATCH_TYPES: ReadonlySet<string> = new Set(["=", "!=", "=~", "!~"]);

function fromRow(r: SilencesTable): Silence {
  const raw = JSON.parse(r.matchers) as { name: string; type: string; value: string }[];
  if (!Array.isArray(raw)) throw new Error(`BUG: silence ${r.id} matchers are not a JSON array`);
  const matchers = raw.map((m) => {
    if (!MATCH_TYPES.has(m.type)) {
      throw new Error(`BUG: silence ${r.id} has matcher type ${JSON.stringify(m.type)}`);
    }
    return newMatcher(m.name, m.type as MatchType, m.value);
  });
  return {
    id: r.id,
    matchers,
    startsAt: Number(r.starts_at),
    endsAt: Number(r.ends_at),
    createdBy: r.created_by,
    comment: r.comment,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function toRow(s: Silence): SilencesTable {
  return {
    id: s.id,
    matchers: JSON.stringify(
      s.matchers.map((m) => ({ name: m.name, type: m.type, value: m.value })),
    ),
    starts_at: s.startsAt,
    ends_at: s.endsAt,
    created_by: s.createdBy,
    comment: s.comment,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

/**
 * Alertmanager's list filter (api/v2 CheckSilenceMatchesFilterLabels): the
 * silence's equality matchers form a label set that every filter matcher must
 * accept; a filter matcher on a label the silence does not pin by equality
 * only passes when it is negative or asks for the empty value.
 */
function matchesFilter(s: Silence, filter: readonly Matcher[]): boolean {
  const pinned = new Map<string, string>();
  for (const m of s.matchers) if (m.type === "=") pinned.set(m.name, m.value);
  return filter.every((f) => {
    const v = pinned.get(f.name);
    if (f.type === "!=" || f.type === "!~") {
      if (f.value === "" && v !== undefined) return true;
      return matchesValue(f, v ?? "");
    }
    if (f.value === "" && v === undefined) return true;
    return v !== undefined && matchesValue(f, v);
  });
}

const STATE_ORDER: Record<SilenceState, number> = { active: 0, pending: 1, expired: 2 };

/**
 * The silences of the metadata DB with an in-memory copy. Every write is
 * committed to the DB before the copy changes and before the call returns.
 * Writes are serialised (one at a time), so the cap holds under concurrency.
 */
export class SilenceStore {
  readonly #meta: MetaDb;
  readonly #now: () => number;
  readonly #byId = new Map<string, Silence>();
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(meta: MetaDb, now: () => number) {
    this.#meta = meta;
    this.#now = now;
  }

  /** Loads every stored silence, deleting those expired longer than the retention. */
  static async open(meta: MetaDb, opts: { now?: () => number } = {}): Promise<SilenceStore> {
    const store = new SilenceStore(meta, opts.now ?? Date.now);
    await store.gc();
    const rows = await meta.db.selectFrom("silences").selectAll().execute();
    for (const r of rows) store.#byId.set(r.id, fromRow(r));
    return store;
  }

  /** Runs `fn` after every earlier write has finished. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Creates a silence, or updates the one named by `input.id`. An update that
   * cannot apply in place (other matchers, a changed start of an active
   * silence, an expired one) expires the old silence, when still in force, and
   * creates a new one with a new id, as Alertmanager does. A start in the past
   * becomes now. Returns the id in force. Throws RD_BAD_SILENCE,
   * RD_SILENCE_NOT_FOUND (unknown id) or RD_SILENCE_LIMIT.
   */
  async add(input: SilenceInput): Promise<string> {
    validateSilence(input);
    return this.#serial(async () => {
      const now = this.#now();
      if (input.endsAt < now) throw badSilence("endsAt", "is in the past");
      const prev = input.id === undefined ? undefined : this.#byId.get(input.id);
      if (input.id !== undefined && prev === undefined) throw notFound(input.id);
      const fields = {
        matchers: input.matchers,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        createdBy: input.createdBy,
        comment: input.comment,
      };
      if (prev !== undefined && canUpdate(prev, input, now)) {
        const next: Silence = { ...prev, ...fields, updatedAt: now };
        await this.#meta.db
          .updateTable("silences")
          .set(toRow(next))
          .where("id", "=", prev.id)
          .execute();
        this.#byId.set(next.id, next);
        return next.id;
      }
      // The silence this one replaces stops counting: it is expired below.
      const replaced = prev !== undefined && silenceState(prev, now) !== "expired" ? 1 : 0;
      if (this.#inForce(now) - replaced >= MAX_SILENCES) {
        throw new ReddotError(
          "RD_SILENCE_LIMIT",
          400,
          `too many silences: ${MAX_SILENCES} are active or pending; expire some first`,
        );
      }
      const created: Silence = {
        ...fields,
        id: randomUUID(),
        startsAt: Math.max(input.startsAt, now),
        createdAt: now,
        updatedAt: now,
      };
      if (created.endsAt <= created.startsAt) throw badSilence("endsAt", "must be after now");
      const expiredPrev =
        prev !== undefined && silenceState(prev, now) !== "expired" ? ended(prev, now) : undefined;
      await this.#meta.db.transaction().execute(async (tx) => {
        if (expiredPrev !== undefined) {
          await tx
            .updateTable("silences")
            .set({ starts_at: expiredPrev.startsAt, ends_at: now, updated_at: now })
            .where("id", "=", expiredPrev.id)
            .execute();
        }
        await tx.insertInto("silences").values(toRow(created)).execute();
      });
      if (expiredPrev !== undefined) this.#byId.set(expiredPrev.id, expiredPrev);
      this.#byId.set(created.id, created);
      return created.id;
    });
  }

  /**
   * Ends a silence now (a pending one ends before it starts). Throws
   * RD_SILENCE_NOT_FOUND, or RD_SILENCE_EXPIRED when it already ended.
   */
  expire(id: string): Promise<void> {
    return this.#serial(async () => {
      const s = this.#byId.get(id);
      if (s === undefined) throw notFound(id);
      const now = this.#now();
      if (silenceState(s, now) === "expired") {
        throw new ReddotError("RD_SILENCE_EXPIRED", 409, `silence ${id} already expired`);
      }
      const next = ended(s, now);
      await this.#meta.db
        .updateTable("silences")
        .set({ starts_at: next.startsAt, ends_at: next.endsAt, updated_at: now })
        .where("id", "=", id)
        .execute();
      this.#byId.set(id, next);
    });
  }

  /** Deletes silences expired longer than SILENCE_RETENTION_MS ago; returns how many. */
  gc(): Promise<number> {
    return this.#serial(async () => {
      const cutoff = this.#now() - SILENCE_RETENTION_MS;
      const res = await this.#meta.db
        .deleteFrom("silences")
        .where("ends_at", "<", cutoff)
        .executeTakeFirst();
      for (const [id, s] of this.#byId) if (s.endsAt < cutoff) this.#byId.delete(id);
      return Number(res.numDeletedRows);
    });
  }

  /** The store's clock (ms): what "now" means for states and writes. */
  now(): number {
    return this.#now();
  }

  /**
   * One silence by id. A silence past its retention is gone, even before
   * `gc()` deletes its row (the server runs `gc()` periodically).
   */
  get(id: string): Silence | undefined {
    const s = this.#byId.get(id);
    return s === undefined || this.#pastRetention(s, this.#now()) ? undefined : s;
  }

  /** Silences matching the filter, active first (by end), then pending (by start), then expired (latest end first). */
  list(filter: SilenceFilter = {}, now: number = this.#now()): Silence[] {
    const states =
      filter.state === undefined
        ? undefined
        : new Set<SilenceState>(typeof filter.state === "string" ? [filter.state] : filter.state);
    const out: Silence[] = [];
    for (const s of this.#byId.values()) {
      if (this.#pastRetention(s, now)) continue;
      if (states !== undefined && !states.has(silenceState(s, now))) continue;
      if (filter.matchers !== undefined && !matchesFilter(s, filter.matchers)) continue;
      out.push(s);
    }
    const key = (s: Silence) => {
      const st = silenceState(s, now);
      return [
        STATE_ORDER[st],
        st === "active" ? s.endsAt : st === "pending" ? s.startsAt : -s.endsAt,
      ];
    };
    return out.sort((a, b) => {
      const [sa, ta] = key(a) as [number, number];
      const [sb, tb] = key(b) as [number, number];
      return sa - sb || ta - tb || (a.id < b.id ? -1 : 1);
    });
  }

  /** Ids of the silences active at `now` whose matchers all accept `labels`, sorted. */
  mutedBy(labels: Readonly<Record<string, string>>, now: number): string[] {
    const out: string[] = [];
    for (const s of this.#byId.values()) {
      if (silenceState(s, now) === "active" && matchesLabels(s.matchers, labels)) out.push(s.id);
    }
    return out.sort();
  }

  #pastRetention(s: Silence, now: number): boolean {
    return s.endsAt < now - SILENCE_RETENTION_MS;
  }

  /** Number of active + pending silences at `now`. */
  #inForce(now: number): number {
    let n = 0;
    for (const s of this.#byId.values()) if (silenceState(s, now) !== "expired") n++;
    return n;
  }
}

/** `s` ended at `now`; a pending silence also starts at `now` so it never becomes active. */
function ended(s: Silence, now: number): Silence {
  return { ...s, startsAt: Math.min(s.startsAt, now), endsAt: now, updatedAt: now };
}
