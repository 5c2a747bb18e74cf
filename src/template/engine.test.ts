import { describe, expect, it } from "vitest";
import { builtinFuncs } from "./builtins.js";
import { DEFAULT_LIMITS, execute, type GoFunc } from "./exec.js";
import { parse } from "./parse.js";
import { GoTime } from "./values.js";

async function run(
  text: string,
  data: unknown = {},
  extra: Record<string, GoFunc> = {},
): Promise<string> {
  const funcs = builtinFuncs();
  for (const [k, v] of Object.entries(extra)) funcs.set(k, v);
  const trees = parse("test", text, new Set(funcs.keys()));
  return execute("test", data, { trees, funcs });
}

async function runErr(text: string, data: unknown = {}): Promise<string> {
  try {
    return `no error: ${await run(text, data)}`;
  } catch (e) {
    return (e as Error).message;
  }
}

// Expected outputs follow Go's text/template documentation and exec_test.go.
describe("text/template syntax", () => {
  const data = {
    S: "hello",
    I: 17n,
    F: 1.5,
    T: true,
    Nil: null,
    Empty: "",
    List: ["a", "b", "c"],
    Map: new Map([
      ["two", "2"],
      ["one", "1"],
      ["three", "3"],
    ]),
    Nested: { Inner: { X: "deep" } },
    Method() {
      return "called";
    },
    Greet(who: string) {
      return `hi ${who}`;
    },
  };
  it.each([
    ["plain text", "no actions", "no actions"],
    ["field", "{{.S}}", "hello"],
    ["nested field", "{{.Nested.Inner.X}}", "deep"],
    ["method call", "{{.Method}}", "called"],
    ["method with arg", `{{.Greet "bob"}}`, "hi bob"],
    ["method with piped arg", `{{"amy" | .Greet}}`, "hi amy"],
    ["int and float", "{{.I}} {{.F}}", "17 1.5"],
    ["missing map key is <no value>", "{{.Map.four}}", "<no value>"],
    ["index of missing key is zero value", `{{index .Map "four"}}|`, "|"],
    ["trim markers", "a  {{- .S -}}  \n b", "ahellob"],
    ["trim only left", "a  {{- .S }}  b", "ahello  b"],
    ["comment", "a{{/* a comment */}}b", "ab"],
    ["trimmed comment", "a {{- /* c */ -}} b", "ab"],
    ["minus number is not trim", "{{-3}}", "-3"],
    ["if true", "{{if .T}}yes{{end}}", "yes"],
    ["if empty string", "{{if .Empty}}yes{{else}}no{{end}}", "no"],
    [
      "else if chain",
      "{{if eq .I 1}}one{{else if eq .I 17}}seventeen{{else}}other{{end}}",
      "seventeen",
    ],
    ["else if falls through", "{{if false}}a{{else if false}}b{{else}}c{{end}}", "c"],
    ["with", "{{with .Nested.Inner}}{{.X}}{{end}}", "deep"],
    ["with else", "{{with .Empty}}x{{else}}empty{{end}}", "empty"],
    ["else with", "{{with .Empty}}x{{else with .S}}{{.}}{{end}}", "hello"],
    ["range list", "{{range .List}}[{{.}}]{{end}}", "[a][b][c]"],
    ["range index elem", "{{range $i, $e := .List}}{{$i}}={{$e}} {{end}}", "0=a 1=b 2=c "],
    ["range map sorted", "{{range $k, $v := .Map}}{{$k}}:{{$v}} {{end}}", "one:1 three:3 two:2 "],
    ["range else", "{{range .Nil}}x{{else}}none{{end}}", "none"],
    ["range break", '{{range .List}}{{if eq . "b"}}{{break}}{{end}}{{.}}{{end}}', "a"],
    ["range continue", '{{range .List}}{{if eq . "b"}}{{continue}}{{end}}{{.}}{{end}}', "ac"],
    ["range int", "{{range 3}}{{.}}{{end}}", "012"],
    ["dot inside range, $ is root", "{{range .List}}{{$.S}}{{end}}", "hellohellohello"],
    ["variable", "{{$x := .S}}{{$x}}", "hello"],
    ["variable assign", "{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2"],
    ["variable scope ends at end", "{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}", "21"],
    ["pipeline", `{{"abc" | printf "%s-%s" "x"}}`, "x-abc"],
    ["parenthesized", `{{printf "%d" (len .List)}}`, "3"],
    ["chain field", "{{(.Nested).Inner.X}}", "deep"],
    ["define and template", `{{define "T"}}<{{.}}>{{end}}{{template "T" .S}}`, "<hello>"],
    ["template no pipe", `{{define "T"}}{{.}}{{end}}{{template "T"}}`, "<no value>"],
    ["block", `{{block "B" .S}}[{{.}}]{{end}}`, "[hello]"],
    ["string escapes", `{{"a\tb\u00e9\x41"}}`, "a\tbéA"],
    ["raw string", "{{`a\\nb`}}", "a\\nb"],
    ["char constant", "{{'a'}}", "97"],
    ["hex int", "{{0x1F}}", "31"],
    ["float literal", "{{1e6}} {{1.0}} {{0.1}}", "1e+06 1 0.1"],
    ["nil compare", "{{if eq .Nil nil}}nil{{end}}", "nil"],
    ["and or", '{{and 1 0 2}} {{or 0 "" "x"}} {{and 1 2}}', "0 x 2"],
    ["or short-circuits", "{{or .T .Nope.Deeper}}", "true"],
    ["not", "{{not .Empty}}", "true"],
    ["len", "{{len .S}} {{len .List}} {{len .Map}}", "5 3 3"],
    ["index", '{{index .List 1}} {{index .Map "one"}}', "b 1"],
    ["slice", "{{slice .S 1 3}} {{slice .List 1}}", "el [b c]"],
    // Sprint puts spaces between operands only when neither is a string.
    ["print", `{{print 1 2 "a" "b" 3}}`, "1 2ab3"],
    ["println", `{{println 1 "a"}}`, "1 a\n"],
    ["eq multi", "{{eq .I 1 2 17}}", "true"],
    [
      "ne lt le gt ge",
      `{{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1.5 2.5}}`,
      "true true true true false",
    ],
    ["html", `{{html "<a href='x'>&</a>"}}`, "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;"],
    ["js", `{{js "it's <b>"}}`, "it\\'s \\u003Cb\\u003E"],
    ["js control characters", '{{js "a\\nb"}}', "a\\u000Ab"],
    ["urlquery", `{{urlquery "a b&c=d/é"}}`, "a+b%26c%3Dd%2F%C3%A9"],
    ["list print", "{{.List}}", "[a b c]"],
    ["map print", "{{.Map}}", "map[one:1 three:3 two:2]"],
    [
      "float printing",
      "{{.F}} {{0.30000000000000004}} {{1e21}} {{123456.0}} {{1234567.0}}",
      "1.5 0.30000000000000004 1e+21 123456 1.234567e+06",
    ],
  ])("%s", async (_name, text, want) => {
    expect(await run(text, data)).toBe(want);
  });

  it("calls functions stored in data with call", async () => {
    const data = { GetF: () => (x: bigint) => x * 2n };
    expect(await run("{{call .GetF 2}}", data)).toBe("4");
  });

  it("awaits functions that return promises", async () => {
    const slow: GoFunc = (x: string) => Promise.resolve(`<${x}>`);
    expect(await run(`{{slow "a" | printf "%s!"}}`, {}, { slow })).toBe("<a>!");
  });

  it("prints Go times in Go's default format and formats layouts", async () => {
    const t = new GoTime(Date.UTC(2024, 0, 2, 15, 4, 5, 120));
    expect(
      await run(
        `{{.}}|{{.Format "2006-01-02 15:04:05"}}|{{.Unix}}|{{.Format "Jan _2 3:04PM .000 MST -07:00"}}`,
        t,
      ),
    ).toBe(
      "2024-01-02 15:04:05.12 +0000 UTC|2024-01-02 15:04:05|1704207845|Jan  2 3:04PM .120 UTC +00:00",
    );
  });
});

describe("printf", () => {
  it.each([
    [`{{printf "%s|%5s|%-5s|%.2s" "abc" "ab" "ab" "abc"}}`, "abc|   ab|ab   |ab"],
    [
      `{{printf "%d|%5d|%-5d|%05d|%+d|%x|%X|%#x" 42 42 42 42 42 255 255 255}}`,
      "42|   42|42   |00042|+42|ff|FF|0xff",
    ],
    [
      `{{printf "%f|%.2f|%8.3f|%e|%.3e|%g|%G" 3.14159 3.14159 3.14159 1234.5678 1234.5678 0.000012345 1e21}}`,
      "3.141590|3.14|   3.142|1.234568e+03|1.235e+03|1.2345e-05|1E+21",
    ],
    [`{{printf "%v|%v|%v|%v" 1.0 2 "s" true}}`, "1|2|s|true"],
    [String.raw`{{printf "%q|%q" "a\"b" 65}}`, String.raw`"a\"b"|'A'`],
    [`{{printf "%t|%x" true "hi"}}`, "true|6869"],
    [`{{printf "%.0f|%.0f|%.1f" 0.5 1.5 0.25}}`, "0|2|0.2"],
    [`{{printf "%d%%" 50}}`, "50%"],
    [`{{printf "%d" "x"}}`, "%!d(string=x)"],
    [`{{printf "%s"}}`, "%!s(MISSING)"],
    [`{{printf "%s" "a" 1}}`, "a%!(EXTRA int=1)"],
    [`{{printf "%.4g" 1234.5}}`, "1234"],
    [`{{printf "%6.2f|%-8.2f|" 3.14159 2.5}}`, "  3.14|2.50    |"],
  ])("%s", async (text, want) => {
    expect(await run(text)).toBe(want);
  });
});

describe("errors", () => {
  it.each([
    ["{{.S", "template: test:1: unclosed action"],
    ["{{if .S}}x", "template: test:1: unexpected EOF"],
    ["a\n{{foo}}", 'template: test:2: function "foo" not defined'],
    ["{{$x}}", 'template: test:1: undefined variable "$x"'],
    ["{{end}}", "template: test:1: unexpected {{end}}"],
    ["{{break}}", "template: test:1: {{break}} outside {{range}}"],
    [
      "line1\nline2 {{.A.B}}",
      'template: test:2:10: executing "test" at <.A.B>: nil pointer evaluating interface {}.B',
    ],
    [
      "{{.X.Y}}",
      'template: test:1:4: executing "test" at <.X.Y>: can\'t evaluate field Y in type string',
    ],
    [
      "{{index .L 5}}",
      'template: test:1:2: executing "test" at <index .L 5>: error calling index: index out of range: 5',
    ],
    [
      '{{eq 1 "a"}}',
      'template: test:1:2: executing "test" at <eq 1 "a">: error calling eq: incompatible types for comparison',
    ],
    [
      '{{template "nope"}}',
      'template: test:1:11: executing "test" at <{{template "nope"}}>: template "nope" not defined',
    ],
    [
      "{{len}}",
      'template: test:1:2: executing "test" at <len>: wrong number of args for len: want 1 got 0',
    ],
  ])("%s", async (text, want) => {
    expect(await runErr(text, { X: "str", L: [1n], A: null })).toBe(want);
  });

  it("stops a template that calls itself at depth 100", async () => {
    const msg = await runErr(`{{define "r"}}x{{template "r" .}}{{end}}{{template "r" .}}`);
    expect(msg).toContain("exceeded maximum template depth (100)");
  });

  it("stops a template that calls itself twice per level (exponential work)", async () => {
    const text = `{{define "r"}}{{if .}}{{template "r" (slice . 1)}}{{template "r" (slice . 1)}}{{end}}{{end}}{{template "r" .L}}`;
    const funcs = builtinFuncs();
    const trees = parse("test", text, new Set(funcs.keys()));
    const limits = { ...DEFAULT_LIMITS, maxSteps: 10_000 };
    const data = { L: Array.from({ length: 40 }, () => 1n) };
    await expect(execute("test", data, { trees, funcs, limits })).rejects.toThrow(
      "execution exceeds 10000 steps",
    );
  });

  it("bounds output size", async () => {
    const msg = await runErr(
      `{{range 100000}}{{"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}}{{end}}`,
    );
    expect(msg).toContain("output exceeds 1048576 bytes");
  });

  it("handles a 64 KiB template of many actions", async () => {
    const text = "{{.}}\n".repeat(10_000);
    const out = await run(text, "x");
    expect(out).toBe("x\n".repeat(10_000));
    expect(await runErr(`${text}{{.Nope}}`, "x")).toContain("template: test:10001:2:");
  });

  it("refuses deeply nested parentheses and control structures", async () => {
    expect(await runErr(`{{${"(".repeat(5000)}1${")".repeat(5000)}}}`)).toBe(
      "template: test:1: max expression depth 100 exceeded",
    );
    expect(await runErr(`${"{{if true}}".repeat(5000)}${"{{end}}".repeat(5000)}`)).toBe(
      "template: test:1: max nesting depth 100 exceeded",
    );
  });

  it("bounds range iterations", async () => {
    const msg = await runErr(`{{range 200000}}{{end}}`);
    expect(msg).toContain("range iterations exceed 100000");
  });
});
