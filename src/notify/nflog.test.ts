import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openMeta } from "../meta/index.js";
import { NotificationLog } from "./nflog.js";

describe("NotificationLog", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("keeps the last entry per receiver, group and integration across reopen; expires and GCs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "reddot-nflog-"));
    dirs.push(dir);
    const path = join(dir, "meta.db");
    let meta = await openMeta({ path });
    let log = new NotificationLog(meta);
    const e = { receiver: "r", groupKey: "{}:{}", integration: "webhook[0]", resolved: [] };
    await log.log({ ...e, firing: ["b", "a"], sentAt: 10, expiresAt: 100 });
    await log.log({ ...e, firing: ["c"], sentAt: 20, expiresAt: 120 });
    await meta.close();
    meta = await openMeta({ path });
    log = new NotificationLog(meta);
    expect(await log.query("r", "{}:{}", "webhook[0]", 50)).toMatchObject({
      firing: ["c"],
      sentAt: 20,
    });
    expect(await log.query("r", "{}:{}", "email[0]", 50)).toBeUndefined();
    expect(await log.query("r", "{}:{}", "webhook[0]", 120)).toBeUndefined();
    await log.recordAttempt({
      at: 5,
      receiver: "r",
      integration: "webhook[0]",
      groupKey: "{}:{}",
      firing: 1,
      resolved: 0,
      attempt: 1,
      ok: false,
      error: "x".repeat(5000),
      durationMs: 1.5,
    });
    const rows = await meta.db.selectFrom("notification_attempts").selectAll().execute();
    expect(rows[0]?.error).toHaveLength(1000);
    expect(await log.gc(120, 100)).toBe(1);
    expect(await meta.db.selectFrom("notification_attempts").selectAll().execute()).toHaveLength(0);
    await meta.close();
  });
});
