import { describe, expect, it } from "vitest";
import {
  legacyMatchers,
  matchersToString,
  matcherToString,
  matchesLabels,
  parseMatchers,
} from "./matchers.js";

const simple = (text: string) => parseMatchers(text).map((m) => [m.name, m.type, m.value] as const);

describe("parseMatchers", () => {
  it.each([
    ['foo="bar"', [["foo", "=", "bar"]]],
    ["foo=bar", [["foo", "=", "bar"]]],
    ['foo!="bar"', [["foo", "!=", "bar"]]],
    ['foo=~"a|b"', [["foo", "=~", "a|b"]]],
    ['foo !~ "a|b"', [["foo", "!~", "a|b"]]],
    [
      '{a="b", c=~"d"}',
      [
        ["a", "=", "b"],
        ["c", "=~", "d"],
      ],
    ],
    ['{a="b",}', [["a", "=", "b"]]],
    ["{}", []],
    ['foo=""', [["foo", "=", ""]]],
    ["foo=", [["foo", "=", ""]]],
    ['foo="with \\"quote\\" and \\\\"', [["foo", "=", 'with "quote" and \\']]],
    ['foo="a,b"', [["foo", "=", "a,b"]]],
    ['"service.name"="api"', [["service.name", "=", "api"]]],
    ['foo=~"\\d+"', [["foo", "=~", "\\d+"]]],
    ["foo = bar baz ", [["foo", "=", "bar baz"]]],
  ] as const)("parses %s", (text, want) => {
    expect(simple(text)).toEqual(want);
  });

  it.each([
    ['{foo="bar"', "missing closing }"],
    ['foo="bar"}', "missing opening {"],
    ['foo="bar', "unterminated"],
    ['="bar"', "expected a label name"],
    ['foo~"bar"', "expected =, !=, =~ or !~"],
    ['foo.bar="x"', "quote names"],
    ['foo="a" bar="b"', "expected , after"],
    ['foo=~"(a"', "bad matcher regex"],
    ['foo=b"ar', 'unexpected "'],
    ['""="x"', "empty label name"],
  ])("refuses %s", (text, why) => {
    expect(() => parseMatchers(text)).toThrow(why);
  });
});

describe("matchesLabels", () => {
  it("anchors regexes and treats absent labels as empty", () => {
    expect(matchesLabels(parseMatchers('a=~"b|c"'), { a: "b" })).toBe(true);
    expect(matchesLabels(parseMatchers('a=~"b|c"'), { a: "bc" })).toBe(false);
    expect(matchesLabels(parseMatchers('a=~"b.*"'), { a: "bcd" })).toBe(true);
    expect(matchesLabels(parseMatchers('a=""'), {})).toBe(true);
    expect(matchesLabels(parseMatchers('a!=""'), {})).toBe(false);
    expect(matchesLabels(parseMatchers('a!~"x|y"'), { a: "z" })).toBe(true);
    expect(matchesLabels(parseMatchers('{a="1", b="2"}'), { a: "1", b: "3" })).toBe(false);
    expect(matchesLabels([], { a: "1" })).toBe(true);
  });

  it("converts legacy match and match_re", () => {
    const ms = legacyMatchers({ service: "db" }, { severity: "crit|page" });
    expect(ms.map(matcherToString)).toEqual(['service="db"', 'severity=~"crit|page"']);
    expect(matchesLabels(ms, { service: "db", severity: "page" })).toBe(true);
  });

  it("prints matchers back in parseable form", () => {
    const ms = parseMatchers('{"a.b"="x\\"y", c!~"d"}');
    expect(matchersToString(ms)).toBe('{"a.b"="x\\"y", c!~"d"}');
    expect(parseMatchers(matchersToString(ms)).map(matcherToString)).toEqual(
      ms.map(matcherToString),
    );
  });
});
