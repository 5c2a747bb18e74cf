import { describe, expect, it } from "vitest";
import { isStaleNaN, labelsFromRecord } from "../../storage/index.js";
import { parseScript, ScriptError } from "./script.js";
import type { EvalCommand, LoadCommand } from "./script-types.js";
import { parseSeriesDesc, parseValueSequence, type SeqValue } from "./series-desc.js";

const floats = (vs: SeqValue[]) => vs.map((v) => (v.kind === "float" ? v.v : v.kind));

function scriptError(text: string): ScriptError {
  try {
    parseScript(text, "t.test");
  } catch (e) {
    if (e instanceof ScriptError) return e;
    throw e;
  }
  throw new Error("expected a ScriptError");
}

describe("value sequences (FORMAT.md 5b)", () => {
  it.each([
    ["1", [1]],
    ["1x4", [1, 1, 1, 1, 1]],
    ["0+10x3", [0, 10, 20, 30]],
    ["1-2x4", [1, -1, -3, -5, -7]],
    ["-2+4x3", [-2, 2, 6, 10]],
    ["_", ["omitted"]],
    ["_x3", ["omitted", "omitted", "omitted"]],
    ["1 _ 2", [1, "omitted", 2]],
    [".5 1.23e-3 -2 +3", [0.5, 0.00123, -2, 3]],
    ["1_000 2_5.5", [1000, 25.5]],
    ["Inf -Inf +inf", [Infinity, -Infinity, Infinity]],
    ["0x3", [0, 0, 0, 0]],
    ["1\t\t2", [1, 2]],
  ])("%s", (text, want) => {
    expect(floats(parseValueSequence(text))).toEqual(want);
  });

  it("0+10x100 gives 101 values", () => {
    expect(parseValueSequence("0+10x100")).toHaveLength(101);
  });

  it("NaN is a plain NaN and stale is the staleness marker", () => {
    const [nan, stale] = parseValueSequence("NaN stale");
    expect(nan.kind === "float" && Number.isNaN(nan.v) && !isStaleNaN(nan.v)).toBe(true);
    expect(stale.kind === "float" && isStaleNaN(stale.v)).toBe(true);
  });

  it("recognises native histograms, with repeats and series, without decoding them", () => {
    const vs = parseValueSequence(
      "{{schema:1 sum:3 count:22 buckets:[5 10 7]}} {{}}x2 {{count:1}}+{{count:2}}x3 1",
    );
    expect(vs.map((v) => v.kind)).toEqual([...Array(1 + 3 + 4).fill("histogram"), "float"]);
  });

  it("refuses what is not a value", () => {
    expect(() => parseValueSequence("1 foo")).toThrow(/bad value "foo"/);
  });
});

describe("series descriptions (FORMAT.md 5a)", () => {
  it("reads names, labels, quoted names and escapes", () => {
    expect(parseSeriesDesc("up{job=\"a\", instance='b'} 1").labels).toEqual(
      labelsFromRecord({ __name__: "up", job: "a", instance: "b" }),
    );
    expect(parseSeriesDesc('{"my.metric", l="v"} 1').labels).toEqual(
      labelsFromRecord({ __name__: "my.metric", l: "v" }),
    );
    expect(parseSeriesDesc("{} 3").labels).toEqual([]);
    expect(parseSeriesDesc('x{a="\\x41\\n", b=`raw\\n`,} 1').labels).toEqual(
      labelsFromRecord({ __name__: "x", a: "A\n", b: "raw\\n" }),
    );
  });

  it("refuses matchers other than =", () => {
    expect(() => parseSeriesDesc('x{a=~"b"} 1')).toThrow(/only = is allowed/);
  });
});

describe("parseScript", () => {
  it("reads load blocks: later lines replace earlier ones of the same series", () => {
    const [load] = parseScript(
      'load 5m\n  a{x="1"} 1 2\n  b 0+1x2\n  a{x="1"} 7\n',
    ) as LoadCommand[];
    expect(load).toMatchObject({ type: "load", step: 300_000, withNhcb: false, line: 1 });
    expect(load.series.map((s) => floats([...s.values]))).toEqual([[7], [0, 1, 2]]);
  });

  it("reads load_with_nhcb and @st lines", () => {
    const [load] = parseScript(
      'load_with_nhcb 1m\n  c{t="a"}@st _ -30s 0+1mx1\n  c{t="a"} 1 2 3 4\n',
    ) as LoadCommand[];
    expect(load.withNhcb).toBe(true);
    expect(load.series[0].startOffsets).toEqual([undefined, -30_000, 0, 60_000]);
  });

  it("reads instant and range evals with expectations", () => {
    const cmds = parseScript(
      [
        "eval instant at 1h30m sum(x)",
        "  expect warn msg: PromQL warning: something (1:1)",
        "  expect no_info",
        "  expect ordered",
        '  {a="1"} 3',
        '  {a="2"} 4',
        "",
        "eval range from 0 to 10m step 5m x",
        "  x 1 _ 3",
        "",
        "eval instant at 1m 1+1",
        "  2",
      ].join("\n"),
    ) as EvalCommand[];
    expect(cmds[0]).toMatchObject({ kind: "instant", time: 5_400_000, expr: "sum(x)", line: 1 });
    expect(cmds[0].expects.map((e) => e.kind)).toEqual(["warn", "no_info", "ordered"]);
    expect(cmds[0].expects[0].match).toEqual({
      kind: "msg",
      text: "PromQL warning: something (1:1)",
    });
    expect(cmds[0].series.map((s) => s.pos)).toEqual([1, 2]);
    expect(cmds[1]).toMatchObject({ kind: "range", start: 0, end: 600_000, step: 300_000 });
    expect(floats([...cmds[1].series[0].values])).toEqual([1, "omitted", 3]);
    expect(cmds[2].expectScalar).toBe(2);
  });

  it("reads regex expectations as unanchored RE2", () => {
    const [ev] = parseScript(
      'eval instant at 0 x\n  expect warn regex: not a gauge: "h" \\([0-9]+:[0-9]+\\)\n',
    ) as EvalCommand[];
    const m = ev.expects[0].match;
    expect(m.kind === "regex" && m.regex.test('PromQL warning: not a gauge: "h" (1:23)')).toBe(
      true,
    );
  });

  it("reads expect string, expect range vector and deprecated forms", () => {
    const cmds = parseScript(
      [
        'eval instant at 0 "a"',
        '  expect string "a\\tb"',
        "",
        "eval instant at 1m x[1m]",
        "  expect range vector from 0 to 1m step 30s",
        "  x 1 2 3",
        "",
        "eval_fail instant at 0 x",
        "  expected_fail_message boom",
        "",
        "eval_ordered instant at 0 x",
      ].join("\n"),
    ) as EvalCommand[];
    expect(cmds[0].expectString).toBe("a\tb");
    expect(cmds[1].rangeVector).toEqual({ start: 0, end: 60_000, step: 30_000 });
    expect(cmds[1].time).toBe(60_000);
    expect(cmds[2]).toMatchObject({ legacy: { fail: true }, failMessage: "boom" });
    expect(cmds[3].legacy.ordered).toBe(true);
  });

  it("a comment inside a block ends it", () => {
    const e = scriptError("load 1m\n  a 1\n  # note\n  b 2\n");
    expect(e.message).toBe('t.test:4: invalid command "b 2"');
  });

  it.each([
    ["frobnicate\n", 1, /invalid command/],
    ["\n\nload 1x\n", 3, /cannot parse "1x"/],
    ["load 1m\n  a 1 foo\n", 2, /bad value "foo"/],
    ["eval instant at 0 x\n  a 1 2\n", 2, /several values in an instant eval/],
    ["eval instant at 0 x\n  expect warn\n  expect no_warn\n", 3, /warn and no_warn/],
    ["eval instant at 0 x\n  expect fail\n  expect fail\n", 3, /one expect fail/],
    ["eval instant at 0 x\n  expect sometimes\n", 2, /invalid expect line/],
    ["eval range from 10m to 0 step 1m x\n", 1, /before start/],
    ["eval instant at 0 x\n  expect warn regex: (?<=a)\n", 2, /invalid regex/],
    ["eval instant at 0 x\n  1\n  a 1\n", 3, /invalid command/],
    ["load 1m\n  a@st 0\n", 2, /@st line has no following sample line/],
    ["load 1m\n  a@st 0 0\n  a 1\n", 2, /@st line has 2 values but sample line has 1/],
  ])("names the file and line of %j", (text, line, re) => {
    const e = scriptError(text);
    expect(e.code).toBe("RD_PROMQLTEST_SCRIPT");
    expect(e.line).toBe(line);
    expect(e.message).toMatch(new RegExp(`^t\\.test:${line}: `));
    expect(e.message).toMatch(re);
  });
});
