import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readBounded, readBoundedSync } from "./proc.js";

const dir = mkdtempSync(join(tmpdir(), "reddot-proc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readBounded", () => {
  it("reads a small file whole", async () => {
    const f = join(dir, "small");
    writeFileSync(f, "sshd\0-D\0");
    expect(await readBounded(f)).toBe("sshd\0-D\0");
    expect(readBoundedSync(f)).toBe("sshd\0-D\0");
  });

  it("reads past one buffer (64 KiB) and keeps calls independent", async () => {
    const big = join(dir, "big");
    const text = "x".repeat(200_000);
    writeFileSync(big, text);
    const small = join(dir, "small2");
    writeFileSync(small, "abc");
    expect(await readBounded(big)).toBe(text);
    expect(await readBounded(small)).toBe("abc");
    expect(await readBounded(big)).toBe(text);
  });

  it("stops at max bytes", async () => {
    const f = join(dir, "cut");
    writeFileSync(f, "0123456789".repeat(10_000));
    expect(await readBounded(f, 5)).toBe("01234");
    expect((await readBounded(f, 70_000)).length).toBe(70_000);
  });

  it("reads an empty file as the empty string", async () => {
    const f = join(dir, "empty");
    writeFileSync(f, "");
    expect(await readBounded(f)).toBe("");
  });

  it("rejects (not throws) for a missing file, with its errno code", async () => {
    const p = readBounded(join(dir, "gone"));
    await expect(p).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("reads a real /proc file (the synchronous path), bounded", async () => {
    expect(await readBounded("/proc/self/status", 4)).toBe("Name");
    expect(await readBounded("/proc/self/comm", 256)).toMatch(/\S/);
  });
});
