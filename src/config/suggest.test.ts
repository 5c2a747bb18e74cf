import { describe, expect, it } from "vitest";
import { closestName, editDistance, unknownNameHint } from "./suggest.js";

describe("closestName", () => {
  it("measures edits", () => {
    expect(editDistance("retension", "retention")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("abc", "abc")).toBe(0);
  });

  it("suggests typos and nothing for unrelated names", () => {
    const keys = ["retention", "retention_size", "block_duration"];
    expect(closestName("retension", keys)).toBe("retention");
    expect(closestName("Retention_Size", keys)).toBe("retention_size");
    expect(closestName("foo", keys)).toBeUndefined();
  });

  it("falls back to listing the known names", () => {
    expect(unknownNameHint("scrap/", ["reddot.yaml", "scrape/"])).toBe('did you mean "scrape/"?');
    expect(unknownNameHint("hosts/", ["reddot.yaml", "scrape/"])).toBe(
      "known: reddot.yaml, scrape/",
    );
  });
});
