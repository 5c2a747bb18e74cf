import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));

describe("docs/errors.md", () => {
  it("lists every RD_ code src/config raises", async () => {
    const doc = await readFile(join(here, "..", "..", "docs", "errors.md"), "utf8");
    const names = (await readdir(here, { recursive: true })).filter(
      (n) => n.endsWith(".ts") && !n.endsWith(".test.ts"),
    );
    const codes = new Set<string>();
    for (const name of names) {
      const text = await readFile(join(here, name), "utf8");
      for (const m of text.matchAll(/"(RD_[A-Z_]+)"/g)) codes.add(m[1]);
    }
    expect(codes.size).toBeGreaterThan(0);
    for (const code of codes) expect(doc, code).toContain(`\`${code}\``);
  });
});
