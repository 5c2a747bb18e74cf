import { describe, expect, it } from "vitest";
import { describeExit, parsePluginOutput } from "./plugin-output.js";

describe("parsePluginOutput", () => {
  it("maps exit codes 0..3 to the status and reads the first line", () => {
    for (const code of [0, 1, 2, 3]) {
      const r = parsePluginOutput("DISK OK - free space: / 3326 MB (56%);\n", code);
      expect(r.status).toBe(code);
      expect(r.output).toBe("DISK OK - free space: / 3326 MB (56%);");
      expect(r.longOutput).toBe("");
      expect(r.perfdata).toEqual([]);
    }
  });

  it("splits the first line at | into text and perfdata", () => {
    const r = parsePluginOutput(
      "DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;5968\n",
      0,
    );
    expect(r.output).toBe("DISK OK - free space: / 3326 MB (56%);");
    expect(r.perfdata).toEqual([
      { label: "/", value: 2643, uom: "MB", warn: "5948", crit: "5958", min: 0, max: 5968 },
    ]);
  });

  it("reads long output and perfdata continued on later lines (the guidelines' example)", () => {
    const out = [
      "DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;5968",
      "/ 15272 MB (77%);",
      "/boot 68 MB (69%);",
      "/home 69357 MB (27%);",
      "/var/log 819 MB (84%); | /boot=68MB;88;93;0;98",
      "/home=69357MB;253404;253409;0;253414 ",
      "/var/log=818MB;970;975;0;980",
      "",
    ].join("\n");
    const r = parsePluginOutput(out, 0);
    expect(r.output).toBe("DISK OK - free space: / 3326 MB (56%);");
    expect(r.longOutput).toBe(
      "/ 15272 MB (77%);\n/boot 68 MB (69%);\n/home 69357 MB (27%);\n/var/log 819 MB (84%);",
    );
    expect(r.perfdata.map((d) => d.label)).toEqual(["/", "/boot", "/home", "/var/log"]);
    expect(r.perfdata[3]).toEqual({
      label: "/var/log",
      value: 818,
      uom: "MB",
      warn: "970",
      crit: "975",
      min: 0,
      max: 980,
    });
    expect(r.perfdataMalformed).toBe(0);
  });

  it("handles long output with no perfdata, and perfdata only after the long text", () => {
    const a = parsePluginOutput("OK\nline 2\nline 3\n", 0);
    expect([a.output, a.longOutput, a.perfdata]).toEqual(["OK", "line 2\nline 3", []]);
    const b = parsePluginOutput("WARN thing\ndetail\n| x=1;2;3\ny=2\n", 1);
    expect([b.status, b.output, b.longOutput]).toEqual([1, "WARN thing", "detail"]);
    expect(b.perfdata.map((d) => d.label)).toEqual(["x", "y"]);
  });

  it("counts malformed perfdata and keeps the rest", () => {
    const r = parsePluginOutput("OK | good=1 bad=abc 'x'=U other=2ms\n", 0);
    expect(r.perfdata.map((d) => d.label)).toEqual(["good", "other"]);
    expect(r.perfdataMalformed).toBe(1);
  });

  it("accepts CRLF and strips ANSI colours and control characters", () => {
    const r = parsePluginOutput("\u001b[32mOK\u001b[0m all\u0007 good | a=1\r\nmore\r\n", 0);
    expect([r.output, r.longOutput, r.perfdata.length]).toEqual(["OK all good", "more", 1]);
  });

  it("says so when the plugin printed nothing, keeping its status", () => {
    expect(parsePluginOutput("", 2)).toMatchObject({
      status: 2,
      output: "(no output returned from plugin)",
    });
  });

  it("falls back to stderr when stdout is empty", () => {
    const r = parsePluginOutput("", 2, { stderr: "cannot read /x\nsecond\n" });
    expect([r.status, r.output, r.longOutput]).toEqual([2, "cannot read /x", "second"]);
  });

  it("makes exit codes outside 0..3 UNKNOWN, naming the code and keeping the plugin's words", () => {
    expect(parsePluginOutput("", 127, { stderr: "sh: foo: not found" })).toMatchObject({
      status: 3,
      output: "plugin exited with code 127: sh: foo: not found",
    });
    const r = parsePluginOutput("OK really | a=1\n", 7, { stderr: "oops" });
    expect(r).toMatchObject({
      status: 3,
      output: "plugin exited with code 7: OK really",
      longOutput: "oops",
    });
    expect(r.perfdata).toHaveLength(1);
    expect(parsePluginOutput("x", -1).output).toBe("plugin exited with code -1: x");
    expect(parsePluginOutput("x", null).output).toBe("plugin exit status unknown: x");
  });

  it("makes signals and timeouts UNKNOWN and drops possibly partial perfdata", () => {
    expect(parsePluginOutput("", null, { signal: "SIGSEGV" })).toMatchObject({
      status: 3,
      output: "plugin killed by SIGSEGV",
    });
    const t = parsePluginOutput("checking | a=1\n", null, {
      signal: "SIGKILL",
      timedOutAfterMs: 10_000,
    });
    expect(t).toMatchObject({
      status: 3,
      output: "killed by SIGKILL after 10 s timeout; partial output: checking",
    });
    expect(t.perfdata).toEqual([]);
    expect(describeExit(3, { timedOutAfterMs: 1500 })).toBe(
      "plugin timed out after 1.5 s and exited with code 3 when told to stop",
    );
  });

  it("makes binary output UNKNOWN", () => {
    expect(parsePluginOutput("\u0000\u0001\u0002abc", 0)).toMatchObject({
      status: 3,
      output: "plugin output is not text (plugin exited with code 0)",
      perfdata: [],
    });
    expect(parsePluginOutput("OK \ufffd\ufffd", 0).status).toBe(3);
  });

  it("makes output over the limit UNKNOWN and says how much was discarded", () => {
    const r = parsePluginOutput("OK fine | a=1\n", 0, {
      discardedBytes: 5000,
      maxOutputBytes: 65536,
    });
    expect(r).toMatchObject({
      status: 3,
      output: "plugin output exceeded 64 KiB (5000 bytes discarded; exit code 0): OK fine",
      longOutput: "[5000 bytes of output over the limit discarded]",
    });
    expect(parsePluginOutput("x\n", 9, { discardedBytes: 10 })).toMatchObject({
      status: 3,
      output: "plugin exited with code 9: x",
      longOutput: "[10 bytes of output over the limit discarded]",
    });
  });
});
