/**
 * Parser of promqltest scripts (`.test` files), following the format of
 * Prometheus's promql/promqltest/test.go as described in
 * /work/shared/promql/FORMAT.md. PromQL expressions are kept as text here;
 * the runner parses them.
 */
import { parseDuration } from "../../lib/duration.js";
import { ReddotError } from "../../lib/errors.js";
import { compileRe2 } from "../../lib/re2.js";
import { labelsEqual, labelsKey } from "../../storage/index.js";
import { parseGoNumber, unquoteGo } from "./go-syntax.js";
import type {
  Command,
  EvalCommand,
  Expectation,
  ExpectedSeries,
  ExpectKind,
  LoadCommand,
  LoadedSeries,
  TextMatch,
} from "./script-types.js";
import { parseMetric, parseSeriesDesc, SeriesDescError } from "./series-desc.js";

/** A mistake in the script itself; the message starts with `file:line:`. */
export class ScriptError extends ReddotError {
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, message: string) {
    super("RD_PROMQLTEST_SCRIPT", 400, `${file}:${line}: ${message}`);
    this.name = "ScriptError";
    this.file = file;
    this.line = line;
  }
}

const SPACES = /[\t ]+/;
const LOAD = /^load(?:_(with_nhcb))?\s+(.+?)$/;
const EVAL_INSTANT = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const EVAL_RANGE =
  /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;
const EXPECT = /^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$/;
const RANGE_VECTOR_PREFIX = "expect range vector";
const EXPECT_RANGE = /^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$/;
const EXPECT_STRING_PREFIX = "expect string";

/** Parses a whole script; throws ScriptError naming `file:line` on the first mistake. */
export function parseScript(text: string, file = "<script>"): Command[] {
  return new ScriptParser(text, file).parse();
}

/**
 * Compiles an RE2 pattern that matches anywhere in the text (Go's
 * `regexp.MatchString`), reusing the anchored translator and dropping its anchors.
 */
export function unanchoredRe2(pattern: string): RegExp | string {
  const c = compileRe2(pattern, { dotMatchesNewline: false });
  if (!c.ok) return c.problem;
  const src = c.regex.source;
  return new RegExp(src.slice("^(?:".length, src.length - ")$".length), c.regex.flags);
}

/** `0` or a Prometheus duration, in ms. */
function duration(text: string, what: string): number {
  if (text === "0") return 0;
  return parseDuration(text, what);
}

class ScriptParser {
  private readonly lines: string[];
  private readonly file: string;

  constructor(text: string, file: string) {
    this.file = file;
    // Comments become empty lines, so a comment inside a block ends it, as upstream.
    this.lines = text.split("\n").map((l) => {
      const t = l.trim();
      return t.startsWith("#") ? "" : t;
    });
  }

  private fail(i: number, message: string): ScriptError {
    return new ScriptError(this.file, i + 1, message);
  }

  private duration(i: number, text: string, what: string): number {
    try {
      return duration(text, what);
    } catch (e) {
      throw this.fail(i, e instanceof Error ? e.message : String(e));
    }
  }

  parse(): Command[] {
    const cmds: Command[] = [];
    for (let i = 0; i < this.lines.length; i++) {
      const l = this.lines[i];
      if (l === "") continue;
      const word = l.split(SPACES, 1)[0].toLowerCase();
      if (word === "clear") {
        cmds.push({ type: "clear", line: i + 1 });
      } else if (word.startsWith("load")) {
        const r = this.parseLoad(i);
        cmds.push(r.cmd);
        i = r.last;
      } else if (word.startsWith("eval")) {
        const r = this.parseEval(i);
        cmds.push(r.cmd);
        i = r.last;
      } else {
        throw this.fail(i, `invalid command ${JSON.stringify(l)}`);
      }
    }
    return cmds;
  }

  private parseLoad(i: number): { cmd: LoadCommand; last: number } {
    const m = LOAD.exec(this.lines[i]);
    if (m === null) throw this.fail(i, "invalid load command; want load[_with_nhcb] <step>");
    const step = this.duration(i, m[2], "load step");
    const byKey = new Map<string, LoadedSeries>();
    let pendingSt:
      | { labels: LoadedSeries["labels"]; offsets: (number | undefined)[]; line: number }
      | undefined;
    let last = i;
    for (let j = i + 1; j < this.lines.length && this.lines[j] !== ""; j++) {
      last = j;
      const line = this.lines[j];
      if (isStartTimestampLine(line)) {
        if (pendingSt !== undefined)
          throw this.fail(pendingSt.line, "@st line has no following sample line");
        pendingSt = { ...this.parseStLine(j, line), line: j };
        continue;
      }
      const desc = this.seriesDesc(j, line);
      if (pendingSt !== undefined) {
        if (!labelsEqual(pendingSt.labels, desc.labels)) {
          throw this.fail(
            pendingSt.line,
            "@st metric does not match the following sample line metric",
          );
        }
        if (pendingSt.offsets.length !== desc.values.length) {
          throw this.fail(
            pendingSt.line,
            `@st line has ${pendingSt.offsets.length} values but sample line has ${desc.values.length}`,
          );
        }
      }
      byKey.set(labelsKey(desc.labels), {
        labels: desc.labels,
        values: desc.values,
        startOffsets: pendingSt?.offsets,
        line: j + 1,
      });
      pendingSt = undefined;
    }
    if (pendingSt !== undefined)
      throw this.fail(pendingSt.line, "@st line has no following sample line");
    return {
      cmd: {
        type: "load",
        line: i + 1,
        step,
        withNhcb: m[1] === "with_nhcb",
        series: [...byKey.values()],
      },
      last,
    };
  }

  private seriesDesc(i: number, line: string): ReturnType<typeof parseSeriesDesc> {
    try {
      return parseSeriesDesc(line);
    } catch (e) {
      if (e instanceof SeriesDescError) throw this.fail(i, e.message);
      throw e;
    }
  }

  /** `metric{...}@st <offsets>`: start-timestamp offsets for the next line. */
  private parseStLine(
    i: number,
    line: string,
  ): { labels: LoadedSeries["labels"]; offsets: (number | undefined)[] } {
    const space = line.search(/[ \t]/);
    const metric = line.slice(0, space - "@st".length);
    let labels: LoadedSeries["labels"];
    try {
      const r = parseMetric(metric);
      if (r.end !== metric.length)
        throw new SeriesDescError(`unexpected text after ${metric.slice(0, r.end)}`);
      labels = r.labels;
    } catch (e) {
      if (e instanceof SeriesDescError)
        throw this.fail(i, `invalid @st line metric ${JSON.stringify(metric)}: ${e.message}`);
      throw e;
    }
    const offsets: (number | undefined)[] = [];
    for (const item of line.slice(space).trim().split(SPACES)) {
      const vals = startTimestampItem(item);
      if (vals === undefined)
        throw this.fail(i, `invalid @st sequence: invalid ST item ${JSON.stringify(item)}`);
      offsets.push(...vals);
    }
    return { labels, offsets };
  }

  private parseEval(i: number): { cmd: EvalCommand; last: number } {
    const header = this.lines[i];
    const inst = EVAL_INSTANT.exec(header);
    const rng = inst === null ? EVAL_RANGE.exec(header) : null;
    if (inst === null && rng === null) {
      throw this.fail(
        i,
        "invalid evaluation command; want 'eval[_fail|_warn|_info|_ordered] instant at <time> <query>' or 'eval[_fail|_warn|_info] range from <start> to <end> step <step> <query>'",
      );
    }
    const mod = (inst ?? rng)?.[1];
    const expr = inst !== null ? inst[3] : (rng as RegExpExecArray)[5];
    let time = 0;
    let start = 0;
    let end = 0;
    let step = 0;
    if (inst !== null) {
      if (inst[2] === undefined) throw this.fail(i, "eval instant needs 'at <time>'");
      time = this.duration(i, inst[2], "eval time");
      start = time;
    } else {
      const r = rng as RegExpExecArray;
      start = this.duration(i, r[2], "range start");
      end = this.duration(i, r[3], "range end");
      if (end < start)
        throw this.fail(i, `end timestamp (${r[3]}) is before start timestamp (${r[2]})`);
      step = this.duration(i, r[4], "range step");
    }
    const legacy = {
      fail: mod === "fail",
      warn: mod === "warn",
      info: mod === "info",
      ordered: mod === "ordered",
    };
    const expects: Expectation[] = [];
    const series = new Map<string, ExpectedSeries>();
    let failMessage: string | undefined;
    let failRegexp: TextMatch | undefined;
    let rangeVector: EvalCommand["rangeVector"];
    let expectString: string | undefined;
    let expectScalar: number | undefined;
    let last = i;
    let pos = 0;
    for (let j = i + 1; j < this.lines.length && this.lines[j] !== ""; j++) {
      last = j;
      pos++;
      const line = this.lines[j];
      if (legacy.fail && line.startsWith("expected_fail_message")) {
        failMessage = line.slice("expected_fail_message".length).trim();
        break;
      }
      if (legacy.fail && line.startsWith("expected_fail_regexp")) {
        failRegexp = this.regex(
          j,
          line.slice("expected_fail_regexp".length).trim(),
          "expected_fail_regexp",
        );
        break;
      }
      if (line.startsWith(RANGE_VECTOR_PREFIX)) {
        const r = EXPECT_RANGE.exec(line);
        if (r === null)
          throw this.fail(j, `invalid range vector definition ${JSON.stringify(line)}`);
        const from = this.duration(j, r[1], "range vector start");
        const to = this.duration(j, r[2], "range vector end");
        if (to < from)
          throw this.fail(j, `end timestamp (${r[2]}) is before start timestamp (${r[1]})`);
        rangeVector = { start: from, end: to, step: this.duration(j, r[3], "range vector step") };
        continue;
      }
      if (line.startsWith(EXPECT_STRING_PREFIX)) {
        const lit =
          line === EXPECT_STRING_PREFIX ? "" : line.slice(EXPECT_STRING_PREFIX.length + 1);
        const s = lit === "" ? undefined : unquoteGo(lit);
        if (s === undefined)
          throw this.fail(j, "expect string needs a correctly quoted string literal");
        expectString = s;
        continue;
      }
      if (line.split(" ")[0] === "expect") {
        expects.push(this.parseExpect(j, line));
        this.validateExpects(j, expects);
        pos--;
        continue;
      }
      const n = parseGoNumber(line);
      if (n !== undefined) {
        expectScalar = n;
        break;
      }
      const desc = this.seriesDesc(j, line);
      if (desc.values.length > 1 && inst !== null && rangeVector === undefined) {
        throw this.fail(
          j,
          "several values in an instant eval; use 'expect range vector from <a> to <b> step <s>' for a range-vector result",
        );
      }
      series.set(labelsKey(desc.labels), {
        labels: desc.labels,
        values: desc.values,
        pos,
        line: j + 1,
      });
    }
    if (rangeVector !== undefined) time = rangeVector.end;
    return {
      cmd: {
        type: "eval",
        line: i + 1,
        expr,
        kind: inst !== null ? "instant" : "range",
        time,
        start,
        end,
        step,
        legacy,
        expects,
        failMessage,
        failRegexp,
        rangeVector,
        expectString,
        expectScalar,
        series: [...series.values()],
      },
      last,
    };
  }

  private parseExpect(j: number, line: string): Expectation {
    const m = EXPECT.exec(line);
    if (m === null) {
      throw this.fail(
        j,
        "invalid expect line; want `expect <fail|warn|info|no_warn|no_info|ordered> [msg:|regex: <text>]`",
      );
    }
    const kind = m[1] as ExpectKind;
    let match: TextMatch = { kind: "any" };
    if (m[2] === "msg") match = { kind: "msg", text: m[3].trim() };
    else if (m[2] === "regex") match = this.regex(j, m[3].trim(), kind);
    return { kind, match, line: j + 1 };
  }

  private regex(j: number, pattern: string, what: string): TextMatch {
    const re = unanchoredRe2(pattern);
    if (typeof re === "string") throw this.fail(j, `invalid regex ${pattern} for ${what}: ${re}`);
    return { kind: "regex", source: pattern, regex: re };
  }

  private validateExpects(j: number, expects: readonly Expectation[]): void {
    const has = (k: ExpectKind) => expects.some((e) => e.kind === k);
    if (has("info") && has("no_info"))
      throw this.fail(j, "info and no_info cannot be used together");
    if (has("warn") && has("no_warn"))
      throw this.fail(j, "warn and no_warn cannot be used together");
    if (expects.filter((e) => e.kind === "fail").length > 1)
      throw this.fail(j, "only one expect fail line is allowed");
  }
}

/** An `@st` line: its first word ends in `@st` (no space before it). */
function isStartTimestampLine(line: string): boolean {
  const space = line.search(/[ \t]/);
  return space >= 0 && line.slice(0, space).endsWith("@st");
}

const ST_ITEM = /^([+-]?)(\d+)([a-wyz]*)(?:x(\d+)|([+-])(\d+)([a-wyz]*)x(\d+))?$/i;

/** One `@st` item (FORMAT.md 3b): offsets in ms, undefined for `_`. */
function startTimestampItem(item: string): (number | undefined)[] | undefined {
  if (item === "_") return [undefined];
  if (item.startsWith("_x")) {
    const n = Number(item.slice(2));
    return Number.isSafeInteger(n) && n > 0 ? new Array<undefined>(n).fill(undefined) : undefined;
  }
  const m = ST_ITEM.exec(item);
  if (m === null) return undefined;
  try {
    const base = (m[1] === "-" ? -1 : 1) * duration(m[2] + m[3], "@st offset");
    if (m[4] === undefined && m[5] === undefined) return [base];
    if (m[4] !== undefined) return new Array<number>(Number(m[4]) + 1).fill(base);
    const delta = (m[5] === "-" ? -1 : 1) * duration(m[6] + m[7], "@st step");
    return Array.from({ length: Number(m[8]) + 1 }, (_, k) => base + k * delta);
  } catch {
    return undefined;
  }
}
