/**
 * Cases from Prometheus's own parser tests (promql/parser/printer_test.go,
 * prettier_test.go and parse_test.go at 3.14.0, Apache-2.0), kept as data in
 * testdata/: the printed form of parsed queries, the prettified form (at a 10
 * byte line width, as those tests set it), and the error message and start
 * position of queries that must fail.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ParseError } from "../values.js";
import { exprToString, parseExpr, prettyPrint } from "./index.js";

function cases<T>(name: string): T[] {
  return JSON.parse(readFileSync(join(import.meta.dirname, "testdata", name), "utf8")) as T[];
}

describe("exprToString prints as Prometheus's String()", () => {
  for (const [input, want] of cases<[string, string]>("prometheus-printer-cases.json")) {
    it(input, () => {
      expect(exprToString(parseExpr(input, { experimental: true }))).toBe(want);
    });
  }
});

describe("prettyPrint formats as Prometheus's Prettify", () => {
  for (const [input, want] of cases<[string, string]>("prometheus-prettier-cases.json")) {
    it(input, () => {
      expect(prettyPrint(parseExpr(input, { experimental: true }), 10)).toBe(want);
    });
  }
});

/**
 * Failures where our text differs from Prometheus's: its parser adds the
 * grammar context to "unexpected" errors (`in label matching, expected
 * string`), and its number lexer stops at a different character. These must
 * still fail, with a message of their own.
 */
const WORDING_DIFFERS = new Set([
  "100..4",
  "0deadbeef",
  "some_metric{a=b}",
  "foo{gibberish}",
  "foo{__name__= =}",
  "foo{,}",
  'foo{__name__ == "bar"}',
  'foo{__name__="bar" lol}',
  'foo{"a"=}',
  "foo[5y1hs]",
  "foo[5m1h]",
  "foo[5m1m]",
  "foo[]",
  "some_metric[5m] OFFSET",
  "some_metric[5m] @",
  "sum without(==)(some_metric)",
  "sum without(,)(some_metric)",
  "sum without(foo,,)(some_metric)",
  "sum (some_metric) by test",
  'foo{bar="baz"}[',
  "foo[step]",
]);

describe("parse errors as Prometheus reports them", () => {
  for (const [input, start, message] of cases<[string, number, string]>(
    "prometheus-error-cases.json",
  )) {
    it(JSON.stringify(input), () => {
      // Prometheus's tests enable the experimental features except where they test the switch.
      const experimental = !/not enabled|experimental/.test(message);
      let err: unknown;
      try {
        parseExpr(input, { experimental });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ParseError);
      if (WORDING_DIFFERS.has(input)) return;
      expect((err as ParseError).message).toBe(message);
      expect((err as ParseError).pos.start).toBe(start);
    });
  }
});
