// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Prometheus replacement templates are written ${1}.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { labelsFromRecord, labelsToRecord } from "../storage/index.js";
import { relabelRule } from "./defaults.js";
import { compileRelabel, compileRelabelRegex, relabel } from "./relabel.js";
import type { RelabelConfig } from "./types.js";

/** A relabel config with Prometheus' defaults for what is not given. */
const rc = relabelRule;

function run(input: Record<string, string>, ...configs: Partial<RelabelConfig>[]) {
  const out = relabel(labelsFromRecord(input), configs.map(rc));
  return out === null ? null : labelsToRecord(out);
}

/** hashmod computed independently: last 8 MD5 bytes as a big-endian integer. */
function md5Mod(value: string, modulus: number): string {
  const hex = createHash("md5").update(value).digest("hex");
  return (BigInt(`0x${hex.slice(16)}`) % BigInt(modulus)).toString();
}

describe("relabel: replace and template expansion", () => {
  const cases: [
    string,
    Record<string, string>,
    Partial<RelabelConfig>[],
    Record<string, string> | null,
  ][] = [
    [
      "${1} expansion",
      { a: "foo", b: "bar" },
      [{ sourceLabels: ["a"], regex: "f(.*)", targetLabel: "d", replacement: "ch${1}-ch${1}" }],
      { a: "foo", b: "bar", d: "choo-choo" },
    ],
    [
      "several sources joined by the separator",
      { a: "foo", b: "bar" },
      [
        {
          sourceLabels: ["a", "b"],
          regex: "f(.*);(.*)r",
          targetLabel: "a",
          replacement: "b${1}${2}m",
        },
      ],
      { a: "boobam", b: "bar" },
    ],
    [
      "custom separator",
      { a: "foo", b: "bar" },
      [
        {
          sourceLabels: ["a", "b"],
          separator: "|",
          regex: "(.*)\\|(.*)",
          targetLabel: "c",
          replacement: "$2-$1",
        },
      ],
      { a: "foo", b: "bar", c: "bar-foo" },
    ],
    [
      "no match leaves the set alone",
      { a: "boo" },
      [{ sourceLabels: ["a"], regex: "f(.*)", targetLabel: "d", replacement: "x" }],
      { a: "boo" },
    ],
    [
      "regex is anchored: a substring match is no match",
      { a: "foo" },
      [{ sourceLabels: ["a"], regex: "o+", targetLabel: "d", replacement: "hit" }],
      { a: "foo" },
    ],
    [
      "alternation is anchored as a whole",
      { a: "xfoo" },
      [{ sourceLabels: ["a"], regex: "foo|xf", targetLabel: "d", replacement: "hit" }],
      { a: "xfoo" },
    ],
    [
      "$1x names group '1x', which does not exist",
      { a: "foo" },
      [{ sourceLabels: ["a"], regex: "(f)(o+)", targetLabel: "d", replacement: "$1x" }],
      { a: "foo" },
    ],
    [
      "${1}x is group 1 then x",
      { a: "foo" },
      [{ sourceLabels: ["a"], regex: "(f)(o+)", targetLabel: "d", replacement: "${1}x$2" }],
      { a: "foo", d: "fxoo" },
    ],
    [
      "named groups, both forms",
      { a: "web-01" },
      [
        {
          sourceLabels: ["a"],
          regex: "(?P<role>[a-z]+)-(?P<num>\\d+)",
          targetLabel: "d",
          replacement: "$role/${num}",
        },
      ],
      { a: "web-01", d: "web/01" },
    ],
    [
      "unknown named group expands to empty",
      { a: "foo" },
      [{ sourceLabels: ["a"], regex: "(.*)", targetLabel: "d", replacement: "<$nosuch>" }],
      { a: "foo", d: "<>" },
    ],
    [
      "$$ is a literal dollar; a lone $ stays",
      { a: "foo" },
      [{ sourceLabels: ["a"], regex: "(.*)", targetLabel: "d", replacement: "$$1 $ ${" }],
      { a: "foo", d: "$1 $ ${" },
    ],
    [
      "empty replacement deletes the target",
      { a: "foo", d: "old" },
      [{ sourceLabels: ["a"], regex: "foo", targetLabel: "d", replacement: "" }],
      { a: "foo" },
    ],
    [
      "missing source label is empty; default $1 then deletes the target",
      { a: "foo", d: "old" },
      [{ sourceLabels: ["missing"], targetLabel: "d" }],
      { a: "foo" },
    ],
    [
      "static value without source labels",
      { a: "foo" },
      [{ targetLabel: "env", replacement: "prod" }],
      { a: "foo", env: "prod" },
    ],
    [
      "target label from the match",
      { a: "some-name-value" },
      [
        {
          sourceLabels: ["a"],
          regex: "some-([^-]+)-([^,]+)",
          targetLabel: "${1}",
          replacement: "${2}",
        },
      ],
      { a: "some-name-value", name: "value" },
    ],
    [
      "invalid target label name from the match: unchanged",
      { a: "some-1bad-value" },
      [
        {
          sourceLabels: ["a"],
          regex: "some-([^-]+)-([^,]+)",
          targetLabel: "${1}",
          replacement: "${2}",
        },
      ],
      { a: "some-1bad-value" },
    ],
    [
      "(?i) flag at the start",
      { a: "FOO" },
      [{ sourceLabels: ["a"], regex: "(?i)f(o+)", targetLabel: "d", replacement: "$1" }],
      { a: "FOO", d: "OO" },
    ],
    [
      "dot matches \\r as in Go",
      { a: "x\ry" },
      [{ sourceLabels: ["a"], regex: "x.y", targetLabel: "d", replacement: "hit" }],
      { a: "x\ry", d: "hit" },
    ],
    [
      "RE2 escapes of plain punctuation and POSIX classes",
      { a: "host_1:9100" },
      [
        {
          sourceLabels: ["a"],
          regex: "([[:alpha:]_]+\\_\\d)\\:(\\d+)",
          targetLabel: "port",
          replacement: "$2",
        },
      ],
      { a: "host_1:9100", port: "9100" },
    ],
    [
      "steps see earlier steps' output",
      { a: "foo" },
      [
        { sourceLabels: ["a"], targetLabel: "b" },
        { sourceLabels: ["b"], regex: "(.)(.*)", targetLabel: "c", replacement: "$2$1" },
      ],
      { a: "foo", b: "foo", c: "oof" },
    ],
  ];
  for (const [name, input, configs, want] of cases) {
    it(name, () => expect(run(input, ...configs)).toEqual(want));
  }
});

describe("relabel: filtering actions", () => {
  it("keep keeps only full matches", () => {
    const keep: Partial<RelabelConfig> = { sourceLabels: ["a"], regex: "f.*", action: "keep" };
    expect(run({ a: "foo" }, keep)).toEqual({ a: "foo" });
    expect(run({ a: "xfoo" }, keep)).toBeNull();
    expect(run({ b: "foo" }, keep)).toBeNull();
  });

  it("drop drops full matches only", () => {
    const drop: Partial<RelabelConfig> = {
      sourceLabels: ["__name__"],
      regex: "go_.*",
      action: "drop",
    };
    expect(run({ __name__: "go_goroutines" }, drop)).toBeNull();
    expect(run({ __name__: "node_go_x" }, drop)).toEqual({ __name__: "node_go_x" });
  });

  it("drop with an empty regex drops sets whose joined value is empty", () => {
    const drop: Partial<RelabelConfig> = { sourceLabels: ["a"], regex: "", action: "drop" };
    expect(run({ b: "x" }, drop)).toBeNull();
    expect(run({ a: "x" }, drop)).toEqual({ a: "x" });
  });

  it("keepequal and dropequal compare with the target label", () => {
    const keepEq: Partial<RelabelConfig> = {
      sourceLabels: ["a"],
      targetLabel: "b",
      action: "keepequal",
    };
    const dropEq: Partial<RelabelConfig> = {
      sourceLabels: ["a"],
      targetLabel: "b",
      action: "dropequal",
    };
    expect(run({ a: "x", b: "x" }, keepEq)).toEqual({ a: "x", b: "x" });
    expect(run({ a: "x", b: "y" }, keepEq)).toBeNull();
    expect(run({ a: "x", b: "x" }, dropEq)).toBeNull();
    expect(run({ a: "x", b: "y" }, dropEq)).toEqual({ a: "x", b: "y" });
    // Both absent: "" equals "".
    expect(run({ c: "z" }, keepEq)).toEqual({ c: "z" });
  });
});

describe("relabel: label name actions", () => {
  it("labelmap copies matching labels under the expanded name", () => {
    const out = run(
      {
        __meta_kubernetes_pod_label_app: "web",
        __meta_kubernetes_pod_label_tier: "front",
        job: "k",
      },
      { regex: "__meta_kubernetes_pod_label_(.+)", action: "labelmap" },
    );
    expect(out).toEqual({
      __meta_kubernetes_pod_label_app: "web",
      __meta_kubernetes_pod_label_tier: "front",
      app: "web",
      job: "k",
      tier: "front",
    });
  });

  it("labelmap with a fixed prefix in the replacement", () => {
    expect(
      run({ foo: "1", bar: "2" }, { regex: "(f.*)", replacement: "copy_$1", action: "labelmap" }),
    ).toEqual({
      bar: "2",
      copy_foo: "1",
      foo: "1",
    });
  });

  it("labeldrop removes labels whose whole name matches", () => {
    expect(run({ a: "1", ab: "2", b: "3" }, { regex: "a.*", action: "labeldrop" })).toEqual({
      b: "3",
    });
    expect(run({ a: "1", ba: "2" }, { regex: "a", action: "labeldrop" })).toEqual({ ba: "2" });
  });

  it("labelkeep keeps only labels whose whole name matches", () => {
    expect(
      run({ __name__: "up", a: "1", b: "2" }, { regex: "__name__|a", action: "labelkeep" }),
    ).toEqual({
      __name__: "up",
      a: "1",
    });
  });

  it("lowercase and uppercase write the joined source values", () => {
    expect(
      run(
        { a: "FoO", b: "Bar" },
        { sourceLabels: ["a", "b"], targetLabel: "l", action: "lowercase" },
      ),
    ).toEqual({ a: "FoO", b: "Bar", l: "foo;bar" });
    expect(
      run({ a: "FoO" }, { sourceLabels: ["a"], targetLabel: "a", action: "uppercase" }),
    ).toEqual({ a: "FOO" });
  });
});

describe("relabel: hashmod", () => {
  for (const [value, modulus] of [
    ["foo", 1000],
    ["10.0.0.1:9100", 4],
    ["", 7],
    ["héllo;wörld", 2 ** 40],
  ] as const) {
    it(`md5("${value}") mod ${modulus}`, () => {
      const out = run(
        { a: value },
        { sourceLabels: ["a"], targetLabel: "shard", modulus, action: "hashmod" },
      );
      expect(out?.shard).toBe(md5Mod(value, modulus));
    });
  }

  it("sharding with hashmod then keep", () => {
    const shardOf = (addr: string) =>
      run(
        { __address__: addr },
        { sourceLabels: ["__address__"], targetLabel: "__tmp_hash", modulus: 2, action: "hashmod" },
        { sourceLabels: ["__tmp_hash"], regex: "0", action: "keep" },
      );
    for (const addr of ["a:1", "b:2", "c:3", "d:4", "e:5"]) {
      expect(shardOf(addr) !== null).toBe(md5Mod(addr, 2) === "0");
    }
  });
});

describe("relabel: results and validation", () => {
  it("returns the input itself when nothing changed, sorted labels otherwise", () => {
    const input = labelsFromRecord({ b: "2", a: "1" });
    expect(relabel(input, [rc({ sourceLabels: ["a"], regex: "1", action: "keep" })])).toBe(input);
    const out = relabel(input, [rc({ targetLabel: "c", replacement: "3" })]);
    expect(out?.map((l) => l.name)).toEqual(["a", "b", "c"]);
  });

  it("no configs: the input comes back", () => {
    const input = labelsFromRecord({ a: "1" });
    expect(compileRelabel([]).apply(input)).toBe(input);
  });

  const invalid: [string, Partial<RelabelConfig>, RegExp][] = [
    [
      "hashmod without modulus",
      { sourceLabels: ["a"], targetLabel: "b", action: "hashmod" },
      /modulus/,
    ],
    ["replace without target", { sourceLabels: ["a"] }, /requires target_label/],
    ["invalid target label", { targetLabel: "1abc" }, /not a valid target_label/],
    [
      "lowercase with a template target",
      { targetLabel: "$1", action: "lowercase" },
      /not a valid target_label/,
    ],
    [
      "labelmap to an invalid name template",
      { replacement: "a-$1", action: "labelmap" },
      /replacement/,
    ],
    ["unbalanced regex", { regex: "(foo", action: "drop" }, /RD_BAD|cannot compile/],
  ];
  for (const [name, config, want] of invalid) {
    it(`rejects ${name}`, () => {
      expect(() => compileRelabel([rc(config)], "metric_relabel_configs")).toThrow(want);
      expect(() => compileRelabel([rc(config)], "metric_relabel_configs")).toThrow(
        /metric_relabel_configs\[0\]/,
      );
    });
  }
});

describe("compileRelabelRegex", () => {
  it("anchors, and lets `.` match \\n as Prometheus' relabel does with ^(?s:re)$ (translation cases: lib/re2.test.ts)", () => {
    expect(compileRelabelRegex("a.c").test("abc")).toBe(true);
    expect(compileRelabelRegex("a.c").test("a\nc")).toBe(true);
    expect(compileRelabelRegex("(?-s)a.c").test("a\nc")).toBe(false);
    expect(compileRelabelRegex("b").test("abc")).toBe(false);
  });

  it("rejects what it cannot translate with RD_BAD_RELABEL_REGEX, naming the input", () => {
    expect(() => compileRelabelRegex("(?U)a", "x.regex")).toThrow(
      /x\.regex: cannot compile "\(\?U\)a"/,
    );
    expect(() => compileRelabelRegex("a\\C")).toThrow(/\\C/);
    expect(() => compileRelabelRegex("(a")).toThrow(/cannot compile/);
    expect(() => compileRelabelRegex("a(?=b)")).toThrow(
      expect.objectContaining({ code: "RD_BAD_RELABEL_REGEX", status: 400 }),
    );
  });
});
