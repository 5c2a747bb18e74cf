import { describe, expect, it } from "vitest";
import { isReddotError } from "../../lib/errors.js";
import { matcherShape, matcherToString, newMatcher } from "./matcher.js";

const re = (v: string) => newMatcher("=~", "l", v);
const nre = (v: string) => newMatcher("!~", "l", v);

function badRegexMessage(value: string): string {
  try {
    newMatcher("=~", "job", value);
  } catch (e) {
    if (isReddotError(e) && e.code === "RD_BAD_REGEX" && e.status === 400) return e.message;
    throw e;
  }
  throw new Error(`expected ${value} to be rejected`);
}

describe("newMatcher", () => {
  it("treats a missing label as the empty string", () => {
    expect(newMatcher("=", "a", "").matches("")).toBe(true);
    expect(newMatcher("=", "a", "x").matches("")).toBe(false);
    expect(newMatcher("!=", "a", "x").matches("")).toBe(true);
    expect(newMatcher("!=", "a", "").matches("")).toBe(false);
    expect(re(".*").matches("")).toBe(true);
    expect(re("x|").matches("")).toBe(true);
    expect(re(".+").matches("")).toBe(false);
    expect(nre(".+").matches("")).toBe(true);
    expect(nre(".*").matches("")).toBe(false);
  });

  it("anchors regexes at both ends", () => {
    expect(re("foo").matches("foo")).toBe(true);
    expect(re("foo").matches("xfoo")).toBe(false);
    expect(re("foo").matches("foox")).toBe(false);
    // The alternation sits inside the anchors: "^a|b$" would accept "ax".
    expect(re("a|b").matches("ax")).toBe(false);
    expect(re("a|b.").matches("xb")).toBe(false);
    expect(re("(a|b)x").matches("bx")).toBe(true);
  });

  it("lets . match newlines and whole code points, as Prometheus 3 does", () => {
    expect(re("a.b").matches("a\nb")).toBe(true);
    expect(re(".*").matches("x\ny")).toBe(true);
    expect(re("x.*y").matches("x\n\ny")).toBe(true);
    expect(re(".").matches("😀")).toBe(true);
    expect(re("..").matches("😀")).toBe(false);
  });

  it("rejects invalid regexes with a message naming the matcher", () => {
    expect(badRegexMessage("(")).toMatch(/^bad regex in matcher job=~"\(": /);
    expect(badRegexMessage("a**")).toContain('job=~"a**"');
    expect(badRegexMessage("[z-a]")).toContain("job=~");
    expect(() => newMatcher("!~", "x-y", "(")).toThrow(/matcher "x-y"!~"\("/);
  });

  it("rejects what JS accepts but RE2 does not", () => {
    expect(badRegexMessage("a(?=b)")).toMatch(/lookahead/);
    expect(badRegexMessage("a(?!b)")).toMatch(/lookahead/);
    expect(badRegexMessage("(?<=a)b")).toMatch(/lookbehind/);
    expect(badRegexMessage("(a)\\1")).toMatch(/backreference/);
    expect(badRegexMessage("(?<x>a)\\k<x>")).toMatch(/backreference/);
    expect(badRegexMessage("(?U)a")).toMatch(/unsupported flag "U"/);
  });

  it("reads RE2 syntax (translation cases: lib/re2.test.ts)", () => {
    expect(re("a\\-b").matches("a-b")).toBe(true);
    expect(re("[[:^alpha:]]+").matches("1 2")).toBe(true);
    expect(re("\\p{Greek}+").matches("αβ")).toBe(true);
    expect(re("(?i)FoO").matches("fOo")).toBe(true);
    expect(re("(?m)a$\n^b").matches("a\nb")).toBe(true);
    expect(re("(?-s)a.b").matches("a\nb")).toBe(false);
    // RE2's \s is ASCII whitespace without \v.
    expect(re("\\s").matches("\v")).toBe(false);
  });

  it("recognises fast-path shapes", () => {
    expect(matcherShape(re(".*")).kind).toBe("all");
    expect(matcherShape(re(".+")).kind).toBe("nonEmpty");
    expect(matcherShape(re("a|b|a"))).toEqual({ kind: "set", values: ["a", "b"] });
    expect(matcherShape(re("10\\.0\\.0\\.1|x|"))).toEqual({
      kind: "set",
      values: ["10.0.0.1", "x", ""],
    });
    expect(matcherShape(re("api-.*"))).toEqual({ kind: "prefix", prefix: "api-" });
    expect(matcherShape(re(".*-eu"))).toEqual({ kind: "suffix", literal: "-eu" });
    expect(matcherShape(re(".*db.*"))).toEqual({ kind: "contains", literal: "db" });
    expect(matcherShape(newMatcher("!=", "l", "x"))).toEqual({ kind: "set", values: ["x"] });
    for (const general of ["a.b", "(?i)a|b", "a\\.*", "[ab]", ".*a|b.*", "(?:a|b)"]) {
      expect(matcherShape(re(general)).kind, general).toBe("general");
    }
    const foreign = { type: "=" as const, name: "l", value: "x", matches: () => true };
    expect(matcherShape(foreign).kind).toBe("general");
  });

  it("gives the same answers on fast paths as through the regex engine", () => {
    const patterns = [
      ".*",
      ".+",
      "a|b|c",
      "x|",
      "",
      "foo",
      "10\\.0\\.0\\.1|10\\.0\\.0\\.2",
      "api-.*",
      ".*-eu",
      ".*db.*",
      ".*.*",
      "a\\\\.*",
    ];
    const inputs = ["", "a", "b", "c", "ab", "x", "foo", "foox", "api-", "api-1", "xapi-1"];
    inputs.push("10.0.0.1", "10.0.0.2", "10x0.0.1", "us-eu", "-eu", "db", "mydb1", "a\\", "a\\b");
    inputs.push("api-\nx", "\n", "x\ndb\n");
    for (const p of patterns) {
      // A non-capturing group defeats every fast path, leaving the regex engine.
      const fast = re(p);
      const slow = re(`(?:${p})`);
      const nfast = nre(p);
      expect(matcherShape(slow).kind).toBe("general");
      for (const v of inputs) {
        expect(fast.matches(v), `${p} on ${JSON.stringify(v)}`).toBe(slow.matches(v));
        expect(nfast.matches(v)).toBe(!slow.matches(v));
      }
    }
  });
});

describe("matcherToString", () => {
  it("renders selector syntax", () => {
    expect(matcherToString(newMatcher("=~", "job", "a|b"))).toBe('job=~"a|b"');
    expect(matcherToString(newMatcher("!=", "env", 'x"y'))).toBe('env!="x\\"y"');
    expect(matcherToString(newMatcher("!~", "host.name", ".*"))).toBe('"host.name"!~".*"');
  });
});
