import { describe, expect, it } from "vitest";
import type { BinaryExpr, Expr, MatrixSelector, StringLiteral, VectorSelector } from "../ast.js";
import { ParseError } from "../values.js";
import { exprToString, MAX_QUERY_LENGTH, type ParseOptions, parseExpr } from "./index.js";

const X = { experimental: true };

function failure(query: string, opts: ParseOptions = X): ParseError {
  try {
    parseExpr(query, opts);
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error(`expected ${query} to fail`);
}

/** The tree as plain data without positions, for comparing shapes. */
function shape(e: unknown): unknown {
  if (Array.isArray(e)) return e.map(shape);
  if (e === null || typeof e !== "object") return e;
  const o = e as Record<string, unknown>;
  if (typeof o.matches === "function") return `${o.name}${o.type}${o.value}`;
  return Object.fromEntries(
    Object.entries(o)
      .filter(([k]) => k !== "pos")
      .map(([k, v]) => [k, shape(v)]),
  );
}

function str(query: string): string {
  const e = parseExpr(query, X);
  expect(e.type).toBe("StringLiteral");
  return (e as StringLiteral).value;
}

describe("string literals", () => {
  it("take Go escapes in double and single quotes", () => {
    expect(str('"a\\nb\\tc\\\\d\\"e"')).toBe('a\nb\tc\\d"e');
    expect(str("'it\\'s'")).toBe("it's");
    expect(str('"\\x41\\101\\u00e9\\U0001F600"')).toBe("AAé😀");
    expect(str('"\\a\\b\\f\\r\\v"')).toBe("\x07\b\f\r\v");
  });

  it("keep backtick strings raw", () => {
    expect(str("`a\\nb`")).toBe("a\\nb");
  });

  it("keep bytes that are not UTF-8 and print them back as Go does", () => {
    const e = parseExpr('count_values("a\\xc5z", x)', X);
    expect(exprToString(e)).toBe('count_values("a\\xc5z", x)');
    expect(str('"\\xc3\\xa9"')).toBe("é");
  });

  it("refuse escapes Go refuses", () => {
    expect(failure('"\\q"').message).toBe("unknown escape sequence U+0071 'q'");
    expect(failure("'\\\"'").message).toBe("unknown escape sequence U+0022 '\"'");
    expect(failure('"\\xZZ"').message).toBe("illegal character U+005A 'Z' in escape sequence");
    expect(failure('"\\ud800"').message).toBe("escape sequence is an invalid Unicode code point");
    expect(failure('"abc').message).toBe("unterminated quoted string");
    expect(failure("`abc").message).toBe("unterminated raw string");
  });
});

describe("number literals", () => {
  const num = (q: string): number => {
    const e = parseExpr(q, X);
    if (e.type !== "NumberLiteral") throw new Error(`${q} is a ${e.type}`);
    return e.value;
  };

  it("read decimal, hex, exponents, Inf and NaN in any case", () => {
    expect(num("42")).toBe(42);
    expect(num("1.5e3")).toBe(1500);
    expect(num(".5")).toBe(0.5);
    expect(num("0x1F")).toBe(31);
    expect(num("1_000")).toBe(1000);
    expect(num("Inf")).toBe(Number.POSITIVE_INFINITY);
    expect(num("-iNf")).toBe(Number.NEGATIVE_INFINITY);
    expect(num("NaN")).toBeNaN();
    expect(num("1.")).toBe(1);
  });

  it("fold a sign into the number", () => {
    expect(num("-1")).toBe(-1);
    expect(num("- -1")).toBe(1);
    expect(num("+5")).toBe(5);
  });

  it("read a duration in number position as seconds", () => {
    const e = parseExpr("time() - 1h", X) as BinaryExpr;
    expect(e.rhs).toMatchObject({ type: "NumberLiteral", value: 3600 });
    expect(num("1m30s")).toBe(90);
  });
});

describe("durations", () => {
  const range = (q: string) => (parseExpr(q, X) as MatrixSelector).range;

  it("are milliseconds, a bare number meaning seconds", () => {
    expect(range("x[1h30m]")).toMatchObject({ kind: "literal", ms: 5_400_000 });
    expect(range("x[90]")).toMatchObject({ kind: "literal", ms: 90_000 });
    expect(range("x[1.5]")).toMatchObject({ kind: "literal", ms: 1500 });
    expect(exprToString(parseExpr("x[90m]", X))).toBe("x[1h30m]");
  });

  it("may be negative only as offsets", () => {
    const vs = parseExpr("x offset -5m", X) as VectorSelector;
    expect(vs.offset).toMatchObject({ kind: "literal", ms: -300_000 });
    expect(failure("x[-5m]").message).toBe("duration must be greater than 0");
    expect(failure("x[0s]").message).toBe("duration must be greater than 0");
    expect(failure("x[5m:0s]").message).toBe("duration must be greater than 0");
  });

  it("take expressions only with the experimental switch", () => {
    expect(range("x[26m+4m]")).toMatchObject({ kind: "binary", op: "+" });
    expect(range("x[60*30]")).toMatchObject({ kind: "binary", op: "*" });
    expect(range("x[step()]")).toMatchObject({ kind: "step" });
    expect(range("x[range()]")).toMatchObject({ kind: "range" });
    expect(range("x[min_of(step(), 1m)]")).toMatchObject({ kind: "min" });
    expect(range("x[1+(STep()-5)*2]")).toMatchObject({ kind: "binary", op: "+" });
    const off = failure("x offset step()", {});
    expect(off.message).toBe("experimental duration expression is not enabled");
    expect(failure("x[5m+1m]", {}).message).toBe("experimental duration expression is not enabled");
    expect(failure("x[1h/0]").message).toBe("division by zero");
  });

  it("bind offset to a signed primary only", () => {
    // `offset -2 ^ 2` is `(x offset -2) ^ 2` (duration_expression.test).
    const e = parseExpr("x offset -2 ^ 2", X) as BinaryExpr;
    expect(e.op).toBe("^");
    expect((e.lhs as VectorSelector).offset).toMatchObject({ kind: "literal", ms: -2000 });
  });
});

describe("precedence and associativity", () => {
  const same = (a: string, b: string) =>
    expect(shape(parseExpr(a, X))).toEqual(shape(stripParens(parseExpr(b, X))));

  it("unary minus binds looser than ^", () => {
    const e = parseExpr("-2^2", X);
    expect(e).toMatchObject({
      type: "UnaryExpr",
      op: "-",
      expr: { type: "BinaryExpr", op: "^", lhs: { value: 2 }, rhs: { value: 2 } },
    });
    expect(parseExpr("2 * -3 ^ 2", X)).toMatchObject({
      op: "*",
      rhs: { type: "UnaryExpr", expr: { op: "^" } },
    });
  });

  it("^ is right-associative, the others left", () => {
    same("2 ^ 3 ^ 2", "2 ^ (3 ^ 2)");
    same("1 - 2 - 3", "(1 - 2) - 3");
    same("a / b * c", "(a / b) * c");
  });

  it("orders operators as Prometheus does", () => {
    same("a + b * c", "a + (b * c)");
    same("a or b and c", "a or (b and c)");
    same("a == b + c", "a == (b + c)");
    same("a and b unless c", "(a and b) unless c");
    same("-a * b", "(-a) * b");
  });

  it("binds offset, @ and ranges to the nearest operand", () => {
    same("a + b offset 5m", "a + (b offset 5m)");
    same("a * b @ 100", "a * (b @ 100)");
    same("-b offset 5m", "-(b offset 5m)");
    // The operator after the modifier still binds by precedence.
    same("a + b @ 5 * 0", "a + ((b @ 5) * 0)");
    same("a or b + c offset 1m * d", "a or (b + ((c offset 1m) * d))");
    same("a * b @ 5 + 0", "(a * (b @ 5)) + 0");
    same("a ^ b @ 5 ^ c", "a ^ ((b @ 5) ^ c)");
    same("a - b @ 5 offset 1m / c", "a - ((b @ 5 offset 1m) / c)");
  });
});

/** Drops ParenExprs, to compare a tree with its explicitly parenthesised spelling. */
function stripParens(e: Expr): Expr {
  switch (e.type) {
    case "ParenExpr":
      return stripParens(e.expr);
    case "BinaryExpr":
      return { ...e, lhs: stripParens(e.lhs), rhs: stripParens(e.rhs) };
    case "UnaryExpr":
      return { ...e, expr: stripParens(e.expr) };
    default:
      return e;
  }
}

describe("vector matching", () => {
  const matching = (q: string) => (parseExpr(q, X) as BinaryExpr).matching;

  it("is one-to-one by default between instant vectors", () => {
    expect(matching("a + b")).toEqual({ card: "one-to-one", on: false, labels: [], include: [] });
  });

  it("is many-to-many for set operators", () => {
    expect(matching("a and b")?.card).toBe("many-to-many");
    expect(matching("a or on(x) b")).toMatchObject({
      card: "many-to-many",
      on: true,
      labels: ["x"],
    });
  });

  it("follows group_left and group_right", () => {
    expect(matching("a * on(x) group_left(y) b")).toEqual({
      card: "many-to-one",
      on: true,
      labels: ["x"],
      include: ["y"],
    });
    expect(matching("a / ignoring(x) group_right b")?.card).toBe("one-to-many");
  });

  it("is absent unless both sides are instant vectors", () => {
    expect(matching("a + 1")).toBeUndefined();
    expect(matching("1 + 1")).toBeUndefined();
    expect(matching("scalar(a) > bool 1")).toBeUndefined();
  });

  it("carries fill values (experimental)", () => {
    expect(matching("a + fill(0) b")).toMatchObject({ fillLeft: 0, fillRight: 0 });
    expect(matching("a + fill_right(-1) b")).toMatchObject({ fillRight: -1 });
    expect(failure("a + fill(0) b", {}).message).toBe(
      "binop fill modifiers are experimental and not enabled",
    );
  });
});

describe("selectors", () => {
  it("include the __name__ matcher, after the written ones", () => {
    const vs = parseExpr('foo{a="b"}', X) as VectorSelector;
    expect(vs.name).toBe("foo");
    expect(vs.matchers.map((m) => `${m.name}${m.type}${m.value}`)).toEqual(["a=b", "__name__=foo"]);
  });

  it("take quoted UTF-8 names", () => {
    const vs = parseExpr('{"my.metric", "a.b"=~"c"}', X) as VectorSelector;
    expect(vs.matchers.map((m) => `${m.name}${m.type}${m.value}`)).toEqual([
      "__name__=my.metric",
      "a.b=~c",
    ]);
  });

  it("refuse regexes that do not compile", () => {
    const e = failure('x{a=~"(.*"}');
    expect(e.message).toMatch(/^invalid regular expression "\(\.\*": /);
    expect(e.pos.start).toBe(2);
  });

  it("take @ in seconds, start() and end(), and refuse them twice", () => {
    expect((parseExpr("x @ -10.5", X) as VectorSelector).at).toEqual({ kind: "time", ms: -10_500 });
    expect((parseExpr("x[5m] @ end()", X) as MatrixSelector).vector.at).toEqual({ kind: "end" });
    expect(failure("x @ 1 @ 2").message).toBe("@ <timestamp> may not be set multiple times");
    expect(failure("x offset 1m offset 2m").message).toBe("offset may not be set multiple times");
    expect(failure("sum(x) @ 1").message).toBe(
      "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery",
    );
  });

  it("take anchored and smoothed only with the experimental switch", () => {
    expect((parseExpr("x[5m] anchored", X) as MatrixSelector).vector.anchored).toBe(true);
    expect(failure("x[5m] smoothed", {}).message).toBe(
      "smoothed modifier is experimental and not enabled",
    );
    expect(failure("x[5m:1m] anchored").message).toBe(
      "anchored modifier is not supported for subqueries",
    );
  });
});

describe("type checks", () => {
  const cases: [string, string][] = [
    ["rate(x)", 'expected type range vector in call to function "rate", got instant vector'],
    ["rate(x[5m], 1)", 'expected 1 argument(s) in call to "rate", got 2'],
    ["label_join(x)", 'expected at least 3 argument(s) in call to "label_join", got 1'],
    ["round(x, 1, 2)", 'expected at most 2 argument(s) in call to "round", got 3'],
    ["foo(x)", 'unknown function with name "foo"'],
    ["sum(x[5m])", "expected type instant vector in aggregation expression, got range vector"],
    ["topk(x, y)", "expected type scalar in aggregation parameter, got instant vector"],
    ["count_values(1, y)", "expected type string in aggregation parameter, got scalar"],
    ["x[5m] + 1", "binary expression must contain only scalar and instant vector types"],
    ["1 and 1", 'set operator "and" not allowed in binary scalar expression'],
    ["1 > 2", "comparisons between scalars must use BOOL modifier"],
    ["a + on(x) 1", "vector matching only allowed between instant vectors"],
    ["a and on(x) group_left b", 'no grouping allowed for "and" operation'],
    ["a + on(x) group_left(x) b", 'label "x" must not occur in ON and GROUP clause at once'],
    ["a + bool b", "bool modifier can only be used on comparison operators"],
    ["sum(x)[5m]", "ranges only allowed for vector selectors"],
    ['{a=""}', "vector selector must contain at least one non-empty matcher"],
    ['foo{__name__="bar"}', 'metric name must not be set twice: "foo" or "bar"'],
    ["x[5m][5m:]", "subquery is only allowed on instant vector, got matrix instead"],
    [
      '-"a"',
      'unary expression only allowed on expressions of type scalar or instant vector, got "string"',
    ],
    [
      "-x[5m]",
      'unary expression only allowed on expressions of type scalar or instant vector, got "range vector"',
    ],
  ];
  for (const [query, message] of cases) {
    it(query, () => expect(failure(query).message).toBe(message));
  }

  it("refuses experimental functions and aggregations unless enabled", () => {
    expect(failure('sort_by_label(x, "a")', {}).message).toBe(
      'function "sort_by_label" is not enabled',
    );
    expect(failure("limitk(1, x)", {}).message).toBe(
      "limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions",
    );
    expect(parseExpr("limitk(1, x)", X).type).toBe("AggregateExpr");
  });
});

describe("syntax errors", () => {
  it("name the unexpected token and where it is", () => {
    const e = failure("sum(x) +");
    expect(e.message).toBe("unexpected end of input");
    expect(e.pos.start).toBe(8);
    expect(failure("sum(rate(x[5m])").message).toBe("unclosed left parenthesis");
    expect(failure("rate(x[5m]))").message).toBe("unexpected right parenthesis ')'");
    expect(failure("x $ y").message).toBe("unexpected character: '$'");
    expect(failure("sum(x, y,)").message).toBe("trailing commas not allowed in function call args");
    expect(failure("").message).toBe("no expression found in input");
    expect(failure("# only a comment").message).toBe("no expression found in input");
  });

  it("give the line and column in the detail", () => {
    const e = failure("sum(x)\n  + foo(y)");
    expect(e.message).toBe('unknown function with name "foo"');
    expect(e.detail).toBe('2:5: parse error: unknown function with name "foo"');
  });
});

describe("bounds", () => {
  it("refuses queries longer than 256 KiB", () => {
    const e = failure(`x + ${"1".repeat(MAX_QUERY_LENGTH)}`);
    expect(e.message).toMatch(/^query is too long/);
  });

  it("refuses deep nesting with a ParseError, not a stack overflow", () => {
    const e = failure(`${"(".repeat(5000)}1${")".repeat(5000)}`);
    expect(e.message).toMatch(/^query is nested too deeply/);
  });

  it("accepts long operator chains and moderate nesting", () => {
    const chain = Array.from({ length: 400 }, (_, i) => `m${i}`).join(" + ");
    expect(exprToString(parseExpr(chain, X))).toBe(chain);
    const nested = `${"abs(".repeat(200)}x${")".repeat(200)}`;
    expect(exprToString(parseExpr(nested, X))).toBe(nested);
  });
});
