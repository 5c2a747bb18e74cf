import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "..");

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path));
    else if (
      /\.ts$/.test(name) &&
      !/\.(test|bench)\.ts$/.test(name) &&
      !path.includes("/testdata/")
    )
      out.push(path);
  }
  return out;
}

/** The top-level concept folder of a file under src/ ("" for src/main.ts). */
function concept(path: string): string {
  const parts = relative(SRC, path).split("/");
  return parts.length > 1 ? parts[0] : "";
}

describe("src/ layout (docs/design.md, STYLE.md)", () => {
  it("imports another concept folder only through its index.ts (lib, a bag of helpers, excepted)", () => {
    const bad: string[] = [];
    for (const file of files(SRC)) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/from "(\.[^"]+)"/g)) {
        const target = resolve(join(file, ".."), m[1]);
        const to = concept(target);
        if (to === concept(file) || to === "lib" || to === "") continue;
        if (relative(join(SRC, to), target) !== "index.js")
          bad.push(`${relative(SRC, file)} -> ${m[1]}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
