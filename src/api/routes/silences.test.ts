import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type MetaDb, openMeta } from "../../meta/index.js";
import { SilenceStore } from "../../notify/index.js";
import { LocalStorage } from "../../storage/index.js";
import type { Db } from "../../tsdb/index.js";
import { openTestDb } from "../../tsdb/testdata/open-test-db.js";
import { buildServer } from "../server.js";
import { testApiDeps } from "../testing.js";

const T0 = Date.parse("2026-03-01T12:00:00Z");
const H = 3600_000;
let dir: string;
let db: Db;
let meta: MetaDb;
let store: SilenceStore;
let app: FastifyInstance;
let now: number;

async function build(writeTokenHashes?: () => ReadonlySet<string>): Promise<void> {
  await app?.close();
  app = buildServer(
    testApiDeps(new LocalStorage(db), {
      silences: store,
      ...(writeTokenHashes ? { writeTokenHashes } : {}),
    }),
  );
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "reddot-api-silences-"));
  db = await openTestDb(dir);
  meta = await openMeta({ path: join(dir, "meta.sqlite") });
  now = T0;
  store = await SilenceStore.open(meta, { now: () => now });
  await build();
});
afterEach(async () => {
  await app.close();
  await meta.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const body = (over: Record<string, unknown> = {}) => ({
  matchers: [
    { name: "alertname", value: "DiskFull", isRegex: false, isEqual: true },
    { name: "host", value: "db.*", isRegex: true, isEqual: true },
    { name: "env", value: "dev", isRegex: false, isEqual: false },
  ],
  startsAt: "2026-03-01T12:00:00Z",
  endsAt: "2026-03-01T14:00:00.000Z",
  createdBy: "alice",
  comment: "disk swap",
  ...over,
});

const post = (payload: unknown, headers: Record<string, string> = {}, remoteAddress?: string) =>
  app.inject({
    method: "POST",
    url: "/api/v2/silences",
    payload: payload as object,
    headers,
    ...(remoteAddress ? { remoteAddress } : {}),
  });

describe("Alertmanager v2 silences API", () => {
  it("creates, gets, lists, filters and expires in Alertmanager's shapes", async () => {
    const res = await post(body());
    expect(res.statusCode).toBe(200);
    const { silenceID } = res.json() as { silenceID: string };
    expect(store.mutedBy({ alertname: "DiskFull", host: "db1" }, now)).toEqual([silenceID]);
    expect(store.mutedBy({ alertname: "DiskFull", host: "db1", env: "dev" }, now)).toEqual([]);

    const one = await app.inject({ method: "GET", url: `/api/v2/silence/${silenceID}` });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual({
      id: silenceID,
      status: { state: "active" },
      updatedAt: "2026-03-01T12:00:00.000Z",
      matchers: [
        { name: "alertname", value: "DiskFull", isRegex: false, isEqual: true },
        { name: "host", value: "db.*", isRegex: true, isEqual: true },
        { name: "env", value: "dev", isRegex: false, isEqual: false },
      ],
      startsAt: "2026-03-01T12:00:00.000Z",
      endsAt: "2026-03-01T14:00:00.000Z",
      createdBy: "alice",
      comment: "disk swap",
    });

    const other = (
      await post(body({ matchers: [{ name: "job", value: "x", isRegex: false }] }))
    ).json() as { silenceID: string };
    const all = await app.inject({ method: "GET", url: "/api/v2/silences" });
    expect((all.json() as { id: string }[]).map((s) => s.id).sort()).toEqual(
      [silenceID, other.silenceID].sort(),
    );
    const filtered = await app.inject({
      method: "GET",
      url: `/api/v2/silences?filter=${encodeURIComponent('alertname="DiskFull"')}`,
    });
    expect((filtered.json() as { id: string }[]).map((s) => s.id)).toEqual([silenceID]);

    now = T0 + 60_000;
    const del = await app.inject({ method: "DELETE", url: `/api/v2/silence/${silenceID}` });
    expect(del.statusCode).toBe(200);
    const after = await app.inject({ method: "GET", url: `/api/v2/silence/${silenceID}` });
    expect(after.json()).toMatchObject({
      status: { state: "expired" },
      endsAt: "2026-03-01T12:01:00.000Z",
    });
    const again = await app.inject({ method: "DELETE", url: `/api/v2/silence/${silenceID}` });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: "RD_SILENCE_EXPIRED" });
  });

  it("updates by id: the same id when only the end moves", async () => {
    const { silenceID } = (await post(body())).json() as { silenceID: string };
    const res = await post(body({ id: silenceID, endsAt: "2026-03-01T18:00:00Z" }));
    expect(res.json()).toEqual({ silenceID });
    expect(store.get(silenceID)?.endsAt).toBe(T0 + 6 * H);
  });

  it("answers 400 naming the field, 404 for an unknown id, 413 past 64 KiB", async () => {
    const cases: [unknown, string][] = [
      [body({ createdBy: undefined }), "invalid silence: createdBy: "],
      [
        body({ startsAt: "yesterday" }),
        'invalid silence: startsAt: "yesterday" is not an RFC 3339',
      ],
      [body({ endsAt: "2026-03-01T11:00:00Z" }), "invalid silence: endsAt: must be after startsAt"],
      [body({ matchers: [] }), "invalid silence: matchers: at least one matcher is required"],
      [
        body({ matchers: [{ name: "a", value: ".*", isRegex: true, isEqual: true }] }),
        "invalid silence: matchers: at least one matcher must not match the empty string",
      ],
      [
        body({ matchers: [{ name: "a", value: "(", isRegex: true, isEqual: true }] }),
        "invalid silence: matchers.0.value: ",
      ],
      [
        body({ matchers: [{ name: "a", value: "b", isRegex: "no" }] }),
        "invalid silence: matchers.0.isRegex: ",
      ],
      [body({ comment: "" }), "invalid silence: comment: required"],
      [body({ id: "../etc" }), "invalid silence: id: not a UUID"],
    ];
    for (const [payload, msg] of cases) {
      const res = await post(payload);
      expect(res.statusCode, msg).toBe(400);
      expect(res.json().code).toBe("RD_BAD_SILENCE");
      expect(res.json().error).toContain(msg);
    }
    const unknown = "0b0a1f3e-8c57-4c2e-9e61-3b1d2f4a5c6d";
    for (const method of ["GET", "DELETE"] as const) {
      const res = await app.inject({ method, url: `/api/v2/silence/${unknown}` });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: "RD_SILENCE_NOT_FOUND" });
    }
    const upd = await post(body({ id: unknown }));
    expect(upd.statusCode).toBe(404);
    const notUuid = await app.inject({ method: "GET", url: "/api/v2/silence/nope" });
    expect(notUuid.statusCode).toBe(400);
    const big = await post(body({ comment: "x".repeat(70_000) }));
    expect(big.statusCode).toBe(413);
    const badFilter = await app.inject({ method: "GET", url: "/api/v2/silences?filter=a%3D%22" });
    expect(badFilter.statusCode).toBe(400);
    expect(store.list()).toEqual([]);
  });

  it("without tokens, writes only from loopback; with tokens, only with a valid bearer token", async () => {
    const remote = await post(body(), {}, "192.0.2.7");
    expect(remote.statusCode).toBe(401);
    expect(remote.json()).toMatchObject({ code: "RD_SILENCE_UNAUTHORIZED" });
    // Reads stay open.
    const list = await app.inject({
      method: "GET",
      url: "/api/v2/silences",
      remoteAddress: "192.0.2.7",
    });
    expect(list.statusCode).toBe(200);

    const token = "s3cret-token";
    const hash = createHash("sha256").update(token).digest("hex");
    await build(() => new Set([hash]));
    expect((await post(body())).statusCode).toBe(401);
    expect((await post(body(), { authorization: "Bearer wrong" })).statusCode).toBe(401);
    const ok = await post(body(), { authorization: `Bearer ${token}` }, "192.0.2.7");
    expect(ok.statusCode).toBe(200);
    const { silenceID } = ok.json() as { silenceID: string };
    const del = await app.inject({ method: "DELETE", url: `/api/v2/silence/${silenceID}` });
    expect(del.statusCode).toBe(401);
    expect(JSON.stringify(del.json())).not.toContain(token);
  });

  it("serves no silence routes when the server has no store", async () => {
    const bare = buildServer(testApiDeps(new LocalStorage(db)));
    const res = await bare.inject({ method: "GET", url: "/api/v2/silences" });
    expect(res.statusCode).toBe(404);
    await bare.close();
  });
});
