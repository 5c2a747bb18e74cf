import { describe, expect, it } from "vitest";
import { compileRe2, isLiteralEscape, type Re2Options } from "./re2.js";

const RELABEL: Re2Options = { dotMatchesNewline: false };
const MATCHER: Re2Options = { dotMatchesNewline: true };

function compile(pattern: string, options = RELABEL): RegExp {
  const r = compileRe2(pattern, options);
  if (!r.ok) throw new Error(`${pattern}: ${r.problem}`);
  return r.regex;
}

function problem(pattern: string, options = RELABEL): string {
  const r = compileRe2(pattern, options);
  if (r.ok) throw new Error(`expected ${pattern} to be refused; got ${r.regex}`);
  return r.problem;
}

/** [RE2 pattern, input, full match expected] — meanings per the RE2 syntax page and Go. */
const cases: [string, string, boolean][] = [
  ["foo", "foo", true],
  ["foo", "xfoo", false],
  ["foo", "foox", false],
  ["a|b", "ab", false],
  ["a|b.", "xb", false],
  // Flags.
  ["(?i)abc", "ABC", true],
  ["(?i)FoO", "fOo", true],
  ["(?i)(?s)a.b", "A\nB", true],
  ["(?is-i)a.b", "A\nb", false],
  ["(?)a", "a", true],
  // (?m): ^ and $ break at \n only, and the outer anchors still span the whole text.
  ["(?m)^a$", "a\nb", false],
  ["(?m)a$\n^b", "a\nb", true],
  ["(?m)a$\r^b", "a\rb", false],
  ["\\Aab\\z", "ab", true],
  ["a$", "a\n", false],
  // Escapes RE2 reads as literals; JS (Unicode mode) would reject most.
  ["\\-\\_\\:\\#\\@\\ \\<", "-_:#@ <", true],
  ["a\\-b", "a-b", true],
  ["[\\-\\:]+", "-:", true],
  ["[a\\-z]+", "-az", true],
  ["[a\\-z]+", "b", false],
  ["\\Qa.b\\E", "a.b", true],
  ["\\Qa.b\\E", "axb", false],
  ["\\Q.*+\\E!", ".*+!", true],
  ["\\Q(a", "(a", true],
  // Literal ], }, and { that starts no repeat.
  ["[]a]+", "]a", true],
  ["[^]a]", "b", true],
  ["a]", "a]", true],
  ["a{", "a{", true],
  ["a{,2}", "a{,2}", true],
  ["a{2}", "aa", true],
  ["x{1,}y}", "xxy}", true],
  ["x}]", "x}]", true],
  ["a{2,1000}", "aa", true],
  // POSIX classes, plain and negated.
  ["[[:digit:]]+", "123", true],
  ["[[:upper:][:digit:]]+", "A1", true],
  ["[[:alpha:]_]+", "ab_", true],
  ["[^[:space:]]+", "a b", false],
  ["[[:^alpha:]]+", "1 😀", true],
  ["[[:^alpha:]]", "a", false],
  ["[[:word:]-]+", "a_-", true],
  // RE2's \s is ASCII [\t\n\f\r ]: no \v, no Unicode spaces; also inside classes.
  ["\\s", "\u00a0", false],
  ["\\s", "\v", false],
  ["\\s", "\t", true],
  ["\\S+", "ab", true],
  ["[\\S]+", "a\u00a0", true],
  ["[\\S]", " ", false],
  ["[x\\s]+", "x \r", true],
  // Unicode classes and code points.
  ["\\pL+", "héllo", true],
  ["\\PL", "1", true],
  ["\\p{Greek}+", "αβ", true],
  ["\\p{^Greek}", "a", true],
  ["\\P{^L}", "a", true],
  ["\\p{Lu}", "A", true],
  ["\\p{Any}+", "a\n😀", true],
  ["\\x{41}", "A", true],
  ["\\x{1F600}", "😀", true],
  ["\\x41", "A", true],
  ["\\a", "\x07", true],
  ["\\101\\0", "A\0", true],
  ["\\0123", "\n3", true],
  ["[\\x{41}-\\x{43}]+", "ABC", true],
  // Whole code points, as RE2 reads UTF-8.
  ["é.", "é😀", true],
  // Groups.
  ["(?P<n>a)b", "ab", true],
  ["(?<n>a)b", "ab", true],
  ["(?:a|b)x", "bx", true],
];

describe("compileRe2", () => {
  for (const [re, input, want] of cases) {
    it(`${JSON.stringify(re)} on ${JSON.stringify(input)} → ${want}`, () => {
      expect(compile(re).test(input)).toBe(want);
      expect(compile(re, MATCHER).test(input)).toBe(want);
    });
  }

  it("lets `.` match \\n only where the caller or (?s) says so", () => {
    expect(compile(".*").test("line1\rline2")).toBe(true);
    expect(compile(".*").test("line1\nline2")).toBe(false);
    expect(compile("(?s).*").test("line1\nline2")).toBe(true);
    expect(compile(".*", MATCHER).test("line1\nline2")).toBe(true);
    expect(compile("(?-s).*", MATCHER).test("line1\nline2")).toBe(false);
    expect(compile(".", MATCHER).test("😀")).toBe(true);
    expect(compile("..", MATCHER).test("😀")).toBe(false);
  });

  it("names groups as RE2 does", () => {
    expect(compile("(?P<host>[^:]+):(?P<port>\\d+)").exec("h:1")?.groups).toEqual({
      host: "h",
      port: "1",
    });
  });

  it("refuses what JS accepts but RE2 does not", () => {
    expect(problem("a(?=b)")).toMatch(/lookahead/);
    expect(problem("a(?!b)")).toMatch(/lookahead/);
    expect(problem("(?<=a)b")).toMatch(/lookbehind/);
    expect(problem("(?<!a)b")).toMatch(/lookbehind/);
    expect(problem("(a)\\1")).toMatch(/backreference/);
    expect(problem("(a)\\18")).toMatch(/backreference/);
    expect(problem("(?<x>a)\\k<x>")).toMatch(/backreference/);
    expect(problem("(?P<x>a)(?P=x)")).toMatch(/backreference/);
    expect(problem("\\u0041")).toMatch(/invalid escape \\u/);
    expect(problem("\\cA")).toMatch(/invalid escape \\c/);
    expect(problem("\\E")).toMatch(/invalid escape \\E/);
    expect(problem("[\\b]")).toMatch(/not allowed in a character class/);
    expect(problem("[\\Qa\\E]")).toMatch(/not allowed in a character class/);
    expect(problem("[\\A]")).toMatch(/not allowed in a character class/);
    expect(problem("a{1001}")).toMatch(/above 1000/);
    expect(problem("a{1,1001}")).toMatch(/above 1000/);
    expect(problem("\\x{110000}")).toMatch(/invalid code point/);
    expect(problem("\\xZ1")).toMatch(/two hex digits/);
  });

  it("applies flags set inside the pattern to their group only (Go's scoping)", () => {
    const m = (p: string, s: string) => {
      const r = compileRe2(p, { dotMatchesNewline: true });
      if (!r.ok) throw new Error(r.problem);
      return r.regex.test(s);
    };
    expect(m("(?i:PRO).*", "production")).toBe(true);
    expect(m("(?i:PRO).*", "xpro")).toBe(false);
    expect(m("a(?i)b", "aB")).toBe(true);
    expect(m("a(?i)b", "AB")).toBe(false);
    expect(m("(?i)a(?-i:b)c", "AbC")).toBe(true);
    expect(m("(?i)a(?-i:b)c", "ABC")).toBe(false);
    expect(m("(?i:[a-c]x)", "BX")).toBe(true);
    expect(m("(?i:[a-c]x)", "dx")).toBe(false);
    expect(m("x(?-s:.)", "x\n")).toBe(false);
    expect(m("(x(?i)y)Y", "xYY")).toBe(true);
    expect(m("(x(?i)y)Y", "xYy")).toBe(false);
  });

  it("refuses what it does not translate, saying why", () => {
    expect(problem("(?U)a")).toBe('unsupported flag "U" in (?U)');
    expect(problem("(?i-)a")).toMatch(/missing flag/);
    expect(problem("a\\C")).toMatch(/\\C/);
    expect(problem("[[:foo:]]")).toMatch(/\[:foo:\]/);
    expect(problem("a\\")).toMatch(/trailing backslash/);
  });

  it("reports V8's problem without our translation", () => {
    const r = compileRe2("(a", RELABEL);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem).toBe("Unterminated group");
      expect(r.cause).toBeInstanceOf(SyntaxError);
    }
    expect(problem("a**")).not.toContain("/");
    expect(problem("[z-a]")).toMatch(/out of order/);
  });
});

describe("isLiteralEscape", () => {
  it("is true for ASCII other than letters and digits", () => {
    expect([..."-.:_ #\\"].every(isLiteralEscape)).toBe(true);
    expect([..."azAZ09é"].some(isLiteralEscape)).toBe(false);
  });
});
