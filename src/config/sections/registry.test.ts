import { describe, expect, it } from "vitest";
import { CONFIG_SECTIONS, checkSectionRegistry } from "./registry.js";
import type { ConfigSection } from "./section.js";

describe("config section registry", () => {
  it("has unique ids and entries, server first", () => {
    expect(() => checkSectionRegistry(CONFIG_SECTIONS)).not.toThrow();
    expect(CONFIG_SECTIONS[0].id).toBe("server");
  });

  it("fails with BUG on a duplicate id or entry", () => {
    const extra: ConfigSection = {
      id: "scrape",
      entry: "other",
      kind: "dir",
      load: () => undefined,
    };
    expect(() => checkSectionRegistry([...CONFIG_SECTIONS, extra])).toThrow(
      /^BUG: duplicate config section id/,
    );
    const clash: ConfigSection = {
      id: "other",
      entry: "scrape",
      kind: "dir",
      load: () => undefined,
    };
    expect(() => checkSectionRegistry([...CONFIG_SECTIONS, clash])).toThrow(
      /^BUG: two config sections/,
    );
  });
});
