import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectCustomFacts } from "./custom.js";

// Custom facts are real executables (shell scripts run by the kernel through
// their #! line, as an operator would write them), in a temp dir.
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "reddot-facts-custom-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function script(d: string, name: string, body: string, mode = 0o755): Promise<void> {
  const file = path.join(d, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, mode);
}

describe("collectCustomFacts", () => {
  it("merges valid JSON objects and records each kind of failure under its file name", async () => {
    await script(dir, "rack", `echo '{"rack":"r12","slot":4,"tags":["a","b"]}'`);
    await script(dir, "garbage", "echo 'this is not json'");
    await script(dir, "array", "echo '[1,2,3]'");
    await script(dir, "fails", "echo oops >&2; exit 3");
    await script(dir, "slow", "sleep 30; echo '{}'");
    // 2 MiB of output, over the 64 KiB cap used here.
    await script(dir, "huge", "yes '{\"a\":1}' | head -c 2097152");
    await script(dir, "plain-file", `echo '{"x":1}'`, 0o644);
    await script(dir, ".hidden", `echo '{"x":1}'`);
    await mkdir(path.join(dir, "subdir"));
    await symlink(path.join(dir, "missing-target"), path.join(dir, "dangling"));

    const got = await collectCustomFacts([dir], 1500, 64 * 1024);

    expect(got.custom).toEqual({ rack: { rack: "r12", slot: 4, tags: ["a", "b"] } });
    expect(Object.keys(got.errors)).toEqual(["array", "fails", "garbage", "huge", "slow"]);
    expect(got.errors.garbage).toMatch(/^output is not JSON/);
    expect(got.errors.array).toBe("output is not a JSON object (got an array)");
    expect(got.errors.fails).toBe("exited with code 3: oops");
    expect(got.errors.slow).toBe("timed out after 1500 ms");
    expect(got.errors.huge).toBe(`output exceeded ${64 * 1024} bytes`);
  });

  it("runs each fact with its directory as working directory and no arguments", async () => {
    await writeFile(path.join(dir, "data.json"), '{"from":"file"}');
    await script(dir, "cwd", `[ $# -eq 0 ] || exit 9; cat data.json`);
    const got = await collectCustomFacts([dir], 5000);
    expect(got).toEqual({ custom: { cwd: { from: "file" } }, errors: {} });
  });

  it("passes only PATH, HOME, TZ and LC_ALL=C from the agent's environment", async () => {
    process.env.REDDOT_FACTS_TEST_SECRET = "s3cret";
    try {
      await script(
        dir,
        "env",
        `printf '{"secret":"%s","lc":"%s","path":%s}' "$REDDOT_FACTS_TEST_SECRET" "$LC_ALL" "$([ -n "$PATH" ] && echo true || echo false)"`,
      );
      const got = await collectCustomFacts([dir], 5000);
      expect(got).toEqual({ custom: { env: { secret: "", lc: "C", path: true } }, errors: {} });
    } finally {
      delete process.env.REDDOT_FACTS_TEST_SECRET;
    }
  });

  it("takes the first directory's file when two hold the same name, and ignores missing directories", async () => {
    const second = path.join(dir, "second");
    await mkdir(second);
    const first = path.join(dir, "first");
    await mkdir(first);
    await script(first, "role", `echo '{"role":"db"}'`);
    await script(second, "role", `echo '{"role":"web"}'`);
    const got = await collectCustomFacts([path.join(dir, "absent"), first, second], 5000);
    expect(got.custom).toEqual({ role: { role: "db" } });
    expect(got.errors).toEqual({ role: `also in ${second}; ${path.join(first, "role")} is used` });
  });

  it("records a path that is not a readable directory under that path", async () => {
    const file = path.join(dir, "not-a-dir");
    await writeFile(file, "x");
    const got = await collectCustomFacts([file], 5000);
    expect(got).toEqual({ custom: {}, errors: { [file]: "cannot read directory: ENOTDIR" } });
  });
});
