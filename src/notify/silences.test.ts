import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isReddotError } from "../lib/errors.js";
import { type MetaDb, openMeta } from "../meta/index.js";
import { parseMatchers } from "./matchers.js";
import {
  MAX_SILENCES,
  SILENCE_RETENTION_MS,
  type SilenceInput,
  SilenceStore,
  silenceState,
} from "./silences.js";

const T0 = Date.parse("2026-03-01T12:00:00Z");
const H = 3600_000;

let dir: string;
let meta: MetaDb;
let now: number;
const clock = () => now;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "reddot-silences-"));
  meta = await openMeta({ path: join(dir, "meta.sqlite") });
  now = T0;
});
afterEach(async () => {
  await meta.close();
  await rm(dir, { recursive: true, force: true });
});

function input(matchers: string, over: Partial<SilenceInput> = {}): SilenceInput {
  return {
    matchers: parseMatchers(matchers),
    startsAt: now,
    endsAt: now + 2 * H,
    createdBy: "alice",
    comment: "disk swap",
    ...over,
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isReddotError(e)) return `${e.code} ${e.status} ${e.message}`;
    throw e;
  }
  return "no error";
}

describe("SilenceStore", () => {
  it("keeps silences across a reopen of the DB file", async () => {
    const store = await SilenceStore.open(meta, { now: clock });
    const id = await store.add(input('alertname="DiskFull", host=~"db.*"'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await meta.close();
    meta = await openMeta({ path: join(dir, "meta.sqlite") });
    const again = await SilenceStore.open(meta, { now: clock });
    const s = again.get(id);
    expect(s).toMatchObject({
      id,
      startsAt: T0,
      endsAt: T0 + 2 * H,
      createdBy: "alice",
      comment: "disk swap",
      createdAt: T0,
      updatedAt: T0,
    });
    expect(s?.matchers.map((m) => [m.name, m.type, m.value])).toEqual([
      ["alertname", "=", "DiskFull"],
      ["host", "=~", "db.*"],
    ]);
    expect(again.mutedBy({ alertname: "DiskFull", host: "db1" }, now)).toEqual([id]);
  });

  it("moves pending → active → expired with the clock; mutedBy only while active", async () => {
    const store = await SilenceStore.open(meta, { now: clock });
    const id = await store.add(input('job="node"', { startsAt: T0 + H, endsAt: T0 + 2 * H }));
    const s = store.get(id);
    if (s === undefined) throw new Error("missing");
    expect(silenceState(s, T0)).toBe("pending");
    expect(store.mutedBy({ job: "node" }, T0)).toEqual([]);
    expect(silenceState(s, T0 + H)).toBe("active");
    expect(store.mutedBy({ job: "node" }, T0 + H)).toEqual([id]);
    expect(silenceState(s, T0 + 2 * H - 1)).toBe("active");
    expect(silenceState(s, T0 + 2 * H)).toBe("expired");
    expect(store.mutedBy({ job: "node" }, T0 + 2 * H)).toEqual([]);
    expect(store.list({ state: "pending" }).map((x) => x.id)).toEqual([id]);
    now = T0 + 3 * H;
    expect(store.list({ state: "expired" }).map((x) => x.id)).toEqual([id]);
  });

  it("mutedBy applies =, !=, =~ and !~ (an absent label is empty)", async () => {
    const store = await SilenceStore.open(meta, { now: clock });
    const eq = await store.add(input('alertname="DiskFull"'));
    const ne = await store.add(input('alertname="DiskFull", env!="prod"'));
    const re = await store.add(input('host=~"db[0-9]+"'));
    const nre = await store.add(input('host=~".+", dc!~"eu-.*"'));
    const muted = (labels: Record<string, string>) => store.mutedBy(labels, now);
    expect(muted({ alertname: "DiskFull", env: "prod" })).toEqual([eq]);
    expect(muted({ alertname: "DiskFull" }).sort()).toEqual([eq, ne].sort());
    expect(muted({ host: "db12", dc: "eu-west" })).toEqual([re]);
    expect(muted({ host: "db12", dc: "us-east" }).sort()).toEqual([re, nre].sort());
    expect(muted({ host: "db1x" })).toEqual([nre]);
    expect(muted({ other: "x" })).toEqual([]);
  });

  it("refuses bad silences, naming the field", async () => {
    const store = await SilenceStore.open(meta, { now: clock });
    expect(await codeOf(store.add(input("", {})))).toBe(
      "RD_BAD_SILENCE 400 invalid silence: matchers: at least one matcher is required",
    );
    expect(await codeOf(store.add(input('a=~".*", b!="x"')))).toBe(
      "RD_BAD_SILENCE 400 invalid silence: matchers: at least one matcher must not match the empty string",
    );
    expect(await codeOf(store.add(input('a="b"', { endsAt: now })))).toBe(
      "RD_BAD_SILENCE 400 invalid silence: endsAt: must be after startsAt",
    );
    expect(
      await codeOf(store.add(input('a="b"', { startsAt: now - 2 * H, endsAt: now - H }))),
    ).toBe("RD_BAD_SILENCE 400 invalid silence: endsAt: is in the past");
    expect(await codeOf(store.add(input('a="b"', { createdBy: " " })))).toBe(
      "RD_BAD_SILENCE 400 invalid silence: createdBy: required",
    );
    expect(await codeOf(store.add(input('a="b"', { createdBy: "x".repeat(257) })))).toBe(
      "RD_BAD_SILENCE 400 invalid silence: createdBy: longer than 256 characters",
    );
    expect(await codeOf(store.add(input('a="b"', { comment: "" })))).toBe(
      "RD_BAD_SILENCE 400 invalid silence: comment: required",
    );
    expect(await codeOf(store.add(input('a="b"', { comment: "x".repeat(4097) })))).toBe(
      "RD_BAD_SILENCE 400 invalid silence: comment: longer than 4096 characters",
    );
    expect(await codeOf(store.add(input('a="b"', { id: "nope" })))).toBe(
      'RD_SILENCE_NOT_FOUND 404 no silence with id "nope"',
    );
    expect(store.list()).toEqual([]);
  });

  it("a start in the past becomes now", async () => {
    const store = await SilenceStore.open(meta, { now: clock });
    const id = await store.add(input('a="b"', { startsAt: T0 - H }));
    expect(store.get(id)?.startsAt).toBe(T0);
  });

  it("updates in place when allowed, else expires the old one and creates a new one", async () => {
    const store = await SilenceStore.open(meta, { now: clock });
    const id = await store.add(input('a="b"'));
    now = T0 + 10_000;
    // Same matchers, same start, later end: in place.
    expect(await store.add(input('a="b"', { id, startsAt: T0, endsAt: T0 + 5 * H }))).toBe(id);
    expect(store.get(id)).toMatchObject({ endsAt: T0 + 5 * H, updatedAt: now, createdAt: T0 });
    // Other matchers: the old one ends now, a new one replaces it.
    const id2 = await store.add(input('a="c"', { id, startsAt: T0, endsAt: T0 + 5 * H }));
    expect(id2).not.toBe(id);
    expect(store.get(id)).toMatchObject({ endsAt: now });
    expect(store.get(id2)).toMatchObject({ startsAt: now, endsAt: T0 + 5 * H });
    expect(store.mutedBy({ a: "b" }, now)).toEqual([]);
    expect(store.mutedBy({ a: "c" }, now)).toEqual([id2]);
    // Durable: both rows as the store holds them.
    const again = await SilenceStore.open(meta, { now: clock });
    expect(again.get(id)).toEqual(store.get(id));
    expect(again.get(id2)).toEqual(store.get(id2));
  });

  it("expire ends an active silence now and refuses an expired one", async () => {
    const store = await SilenceStore.open(meta, { now: clock });
    const id = await store.add(input('a="b"'));
    const pending = await store.add(input('a="b"', { startsAt: T0 + H, endsAt: T0 + 2 * H }));
    now = T0 + 60_000;
    await store.expire(id);
    await store.expire(pending);
    expect(store.get(id)).toMatchObject({ startsAt: T0, endsAt: now });
    expect(store.get(pending)).toMatchObject({ startsAt: now, endsAt: now });
    expect(store.mutedBy({ a: "b" }, now)).toEqual([]);
    expect(store.mutedBy({ a: "b" }, T0 + H + 1)).toEqual([]);
    expect(await codeOf(store.expire(id))).toBe(
      `RD_SILENCE_EXPIRED 409 silence ${id} already expired`,
    );
    expect(await codeOf(store.expire("x"))).toBe('RD_SILENCE_NOT_FOUND 404 no silence with id "x"');
    const again = await SilenceStore.open(meta, { now: clock });
    expect(again.get(id)?.endsAt).toBe(now);
  });

  it("deletes expired silences after the retention", async () => {
    const store = await SilenceStore.open(meta, { now: clock });
    const id = await store.add(input('a="b"', { endsAt: T0 + H }));
    now = T0 + H + SILENCE_RETENTION_MS - 1;
    expect(await store.gc()).toBe(0);
    expect(store.get(id)).toBeDefined();
    now = T0 + H + SILENCE_RETENTION_MS + 1;
    expect(store.get(id)).toBeUndefined(); // hidden before gc deletes it
    expect(store.list()).toEqual([]);
    const reopened = await SilenceStore.open(meta, { now: clock });
    expect(reopened.get(id)).toBeUndefined();
    expect(await store.gc()).toBe(0);
    expect(store.get(id)).toBeUndefined();
  });

  it("lists with Alertmanager's filter: equality matchers of the silence as labels", async () => {
    const store = await SilenceStore.open(meta, { now: clock });
    const a = await store.add(input('alertname="DiskFull", host="db1"', { endsAt: T0 + 3 * H }));
    const b = await store.add(input('alertname="DiskFull", host=~"web.*"', { endsAt: T0 + H }));
    const c = await store.add(input('alertname="Down"', { startsAt: T0 + H, endsAt: T0 + 9 * H }));
    const ids = (f: string) => store.list({ matchers: parseMatchers(f) }).map((s) => s.id);
    // Order: active by end, then pending by start.
    expect(store.list().map((s) => s.id)).toEqual([b, a, c]);
    expect(ids('alertname="DiskFull"')).toEqual([b, a]);
    expect(ids('host="db1"')).toEqual([a]);
    expect(ids('host=~"web.*"')).toEqual([]); // a regex matcher pins no value
    expect(ids('alertname!="DiskFull"')).toEqual([c]);
    expect(ids('alertname=~"Disk.*|Down"')).toEqual([b, a, c]);
  });

  it("serialises concurrent writes and caps active + pending silences", async () => {
    const store = await SilenceStore.open(meta, { now: clock });
    // Fill the table directly (fast), then reopen so the store counts them.
    const rows = Array.from({ length: MAX_SILENCES }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      matchers: JSON.stringify([{ name: "n", type: "=", value: String(i) }]),
      starts_at: T0,
      ends_at: T0 + H,
      created_by: "bulk",
      comment: "fill",
      created_at: T0,
      updated_at: T0,
    }));
    for (let i = 0; i < rows.length; i += 500) {
      await meta.db
        .insertInto("silences")
        .values(rows.slice(i, i + 500))
        .execute();
    }
    const full = await SilenceStore.open(meta, { now: clock });
    const results = await Promise.all([
      codeOf(full.add(input('a="1"'))),
      codeOf(full.add(input('a="2"'))),
    ]);
    expect(results).toEqual([
      "RD_SILENCE_LIMIT 400 too many silences: 10000 are active or pending; expire some first",
      "RD_SILENCE_LIMIT 400 too many silences: 10000 are active or pending; expire some first",
    ]);
    await full.expire(rows[0]?.id as string);
    const got = await Promise.all([
      codeOf(full.add(input('a="1"'))),
      codeOf(full.add(input('a="2"'))),
    ]);
    expect(got.filter((r) => r === "no error")).toHaveLength(1);
    expect(store.list()).toEqual([]); // the first store's copy was loaded before the rows
  });
});
