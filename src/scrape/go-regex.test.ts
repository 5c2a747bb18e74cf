import { describe, expect, it } from "vitest";
import { compileGoRegex } from "./go-regex.js";

/** [RE2 pattern, input, full match expected] — meanings per the RE2 syntax page. */
const cases: [string, string, boolean][] = [
  ["foo", "foo", true],
  ["foo", "xfoo", false],
  ["a|b", "ab", false],
  [".*", "line1\rline2", true],
  [".*", "line1\nline2", false],
  ["(?s).*", "line1\nline2", true],
  ["(?i)abc", "ABC", true],
  ["(?m)^a$", "a\nb", false],
  ["(?m)a$\n^b", "a\nb", true],
  ["\\Aab\\z", "ab", true],
  ["\\Qa.b\\E", "a.b", true],
  ["\\Qa.b\\E", "axb", false],
  ["[[:digit:]]+", "123", true],
  ["[[:upper:][:digit:]]+", "A1", true],
  ["[]a]+", "]a", true],
  ["a]", "a]", true],
  ["a{", "a{", true],
  ["a{2}", "aa", true],
  ["x{1,}y}", "xxy}", true],
  ["\\-\\_\\:\\#", "-_:#", true],
  ["[\\-\\:]+", "-:", true],
  ["\\pL+", "héllo", true],
  ["\\x{41}", "A", true],
  ["\\s", "\u00a0", false],
  ["\\s", "\t", true],
  ["é.", "é😀", true],
  ["(?P<n>a)b", "ab", true],
];

describe("compileGoRegex", () => {
  for (const [re, input, want] of cases) {
    it(`${JSON.stringify(re)} on ${JSON.stringify(input)} → ${want}`, () => {
      expect(compileGoRegex(re).test(input)).toBe(want);
    });
  }

  it("named groups keep their names", () => {
    expect(compileGoRegex("(?P<host>[^:]+):(?P<port>\\d+)").exec("h:1")?.groups).toEqual({
      host: "h",
      port: "1",
    });
  });

  it("rejects what it cannot translate, naming the input", () => {
    expect(() => compileGoRegex("(?U)a", "x.regex")).toThrow(/x\.regex: cannot compile "\(\?U\)a"/);
    expect(() => compileGoRegex("a\\C")).toThrow(/\\C/);
    expect(() => compileGoRegex("(a")).toThrow(/cannot compile/);
  });
});
