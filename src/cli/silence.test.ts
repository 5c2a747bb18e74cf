import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../api/index.js";
import { testApiDeps } from "../api/testing.js";
import { type MetaDb, openMeta } from "../meta/index.js";
import { SilenceStore } from "../notify/index.js";
import { LocalStorage } from "../storage/index.js";
import type { Db } from "../tsdb/index.js";
import { openTestDb } from "../tsdb/testdata/open-test-db.js";
import { runSilenceAdd, runSilenceExpire, runSilenceLs, type SilenceIo } from "./silence.js";

// `reddot silence` against a real server listening on loopback.
const T0 = Date.parse("2026-03-01T12:00:00Z");
let dir: string;
let db: Db;
let meta: MetaDb;
let store: SilenceStore;
let app: FastifyInstance;
let server: string;
let now = T0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "reddot-cli-silence-"));
  db = await openTestDb(dir);
  meta = await openMeta({ path: join(dir, "meta.sqlite") });
  store = await SilenceStore.open(meta, { now: () => now });
  app = buildServer(testApiDeps(new LocalStorage(db), { silences: store }));
  server = await app.listen({ host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await app.close();
  await meta.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(fn: (io: SilenceIo) => Promise<number>) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (b: Buffer) => {
    out += b.toString();
  });
  stderr.on("data", (b: Buffer) => {
    err += b.toString();
  });
  const code = await fn({ stdout, stderr, now: () => now, env: { USER: "bob" } });
  return { code, out, err };
}

describe("reddot silence", () => {
  it("adds, lists and expires", async () => {
    const add = await run((io) =>
      runSilenceAdd(
        ["DiskFull", 'host=~"db.*"'],
        { server, comment: "disk swap", duration: "2h" },
        io,
      ),
    );
    expect(add.err).toBe("");
    expect(add.code).toBe(0);
    const id = add.out.trim();
    expect(store.get(id)).toMatchObject({
      startsAt: T0,
      endsAt: T0 + 2 * 3600_000,
      createdBy: "bob",
      comment: "disk swap",
    });
    expect(store.mutedBy({ alertname: "DiskFull", host: "db7" }, now)).toEqual([id]);

    const other = await run((io) =>
      runSilenceAdd(
        ["job=node"],
        { server, author: "carol", comment: "reboot", end: "2026-03-01T13:00:00Z" },
        io,
      ),
    );
    expect(other.code).toBe(0);
    const id2 = other.out.trim();

    const ls = await run((io) => runSilenceLs([], { server }, io));
    expect(ls.code).toBe(0);
    expect(ls.out).toBe(
      [
        "ID                                    MATCHERS                              STATE   ENDS                      AUTHOR  COMMENT",
        `${id2}  {job="node"}                          active  2026-03-01T13:00:00.000Z  carol   reboot`,
        `${id}  {alertname="DiskFull", host=~"db.*"}  active  2026-03-01T14:00:00.000Z  bob     disk swap`,
        "",
      ].join("\n"),
    );
    const filtered = await run((io) => runSilenceLs(['alertname="DiskFull"'], { server }, io));
    expect(filtered.out.split("\n")[1]?.startsWith(id)).toBe(true);
    expect(filtered.out.split("\n")).toHaveLength(3);

    now = T0 + 60_000;
    const exp = await run((io) => runSilenceExpire([id, id2], { server }, io));
    expect(exp).toEqual({ code: 0, out: "", err: "" });
    const empty = await run((io) => runSilenceLs([], { server }, io));
    expect(empty).toEqual({ code: 0, out: "", err: "(no silences)\n" });
    const withExpired = await run((io) => runSilenceLs([], { server, expired: true }, io));
    expect(withExpired.out).toContain(`${id}  {alertname="DiskFull", host=~"db.*"}  expired`);

    const again = await run((io) => runSilenceExpire([id], { server }, io));
    expect(again.code).toBe(1);
    expect(again.err).toBe(
      `reddot: DELETE /api/v2/silence/${id}: 409: silence ${id} already expired\n`,
    );
  });

  it("exits 2 on bad flags or matchers, 1 when the server refuses or is unreachable", async () => {
    const cases: [Parameters<typeof runSilenceAdd>[1], string[], number, string][] = [
      [{ server, comment: "x" }, ["a=b"], 2, "give exactly one of --duration and --end"],
      [{ server, duration: "1h" }, ["a=b"], 2, "--comment is required"],
      [{ server, comment: "x", duration: "soon" }, ["a=b"], 2, '--duration: cannot parse "soon"'],
      [{ server, comment: "x", end: "tomorrow" }, ["a=b"], 2, "--end: "],
      [{ server, comment: "x", duration: "1h" }, ['a="b'], 2, "unterminated quoted string"],
      [{ server, comment: "x", duration: "1h" }, [], 2, "give at least one matcher"],
      [
        { server, comment: "x", duration: "1h" },
        ['a=~".*"'],
        1,
        "at least one matcher must not match the empty string",
      ],
      [{ server: "http://127.0.0.1:1", comment: "x", duration: "1h" }, ["a=b"], 1, "cannot reach"],
    ];
    for (const [opts, matchers, code, msg] of cases) {
      const r = await run((io) => runSilenceAdd(matchers, opts, io));
      expect(r.code, msg).toBe(code);
      expect(r.err).toContain(msg);
      expect(r.out).toBe("");
    }
    const unknown = await run((io) =>
      runSilenceExpire(["0b0a1f3e-8c57-4c2e-9e61-3b1d2f4a5c6d"], { server }, io),
    );
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("404: no silence with id");
  });
});
