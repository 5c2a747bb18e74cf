import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readAgentToken } from "./agent.js";

describe("readAgentToken", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "reddot-agent-cli-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads the token file, trimmed, before the environment", async () => {
    const f = join(dir, "token");
    await writeFile(f, "file-token\n");
    expect(readAgentToken(f, { REDDOT_AGENT_TOKEN: "env-token" })).toBe("file-token");
    expect(readAgentToken(undefined, { REDDOT_AGENT_TOKEN: " env-token " })).toBe("env-token");
  });

  it("refuses a missing, empty or oversized token", async () => {
    expect(() => readAgentToken(undefined, {})).toThrow(
      /--token-file FILE or set REDDOT_AGENT_TOKEN/,
    );
    const empty = join(dir, "empty");
    await writeFile(empty, "\n");
    expect(() => readAgentToken(empty, {})).toThrow(/no agent token/);
    const big = join(dir, "big");
    await writeFile(big, "x".repeat(5000));
    expect(() => readAgentToken(big, {})).toThrow(/larger than 4096 bytes/);
  });
});
