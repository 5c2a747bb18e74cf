/**
 * Series descriptions, the lines of `load` blocks and the expected rows of
 * `eval` blocks: `metric{l="v"} 1 2 _ stale 0+10x3 {{...}}`. Grammar and
 * expansion rules follow Prometheus's series-description parser
 * (promql/parser/generated_parser.y, `series_description`), described in
 * /work/shared/promql/FORMAT.md sections 5 and 6.
 */
import { type Labels, labelsFromPairs, METRIC_NAME, STALE_NAN } from "../../storage/index.js";
import { unquoteGo } from "./go-syntax.js";

/** One slot of a value sequence. */
export type SeqValue =
  | { readonly kind: "float"; readonly v: number }
  /** `_`: no sample here (in an instant expectation Prometheus reads it as 0). */
  | { readonly kind: "omitted" }
  /** A native histogram literal, kept as text: this runner only recognises them. */
  | { readonly kind: "histogram"; readonly text: string };

export interface SeriesDesc {
  readonly labels: Labels;
  readonly values: readonly SeqValue[];
}

/** A malformed series description; the script parser adds file:line. */
export class SeriesDescError extends Error {}

const IDENT = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const QUOTED = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`/y;
const SPACE = /[ \t]+/y;

function match(re: RegExp, s: string, at: number): string | undefined {
  re.lastIndex = at;
  const m = re.exec(s);
  return m === null ? undefined : m[0];
}

/** Parses `metric{labels} values...`. */
export function parseSeriesDesc(line: string): SeriesDesc {
  const { labels, end } = parseMetric(line);
  const rest = line.slice(end);
  if (rest !== "" && !/^[ \t]/.test(rest)) {
    throw new SeriesDescError(`unexpected ${JSON.stringify(rest[0])} after the series labels`);
  }
  return { labels, values: parseValueSequence(rest) };
}

/** Parses the metric part at the start of `s`; `end` is where it stops. */
export function parseMetric(s: string): { labels: Labels; end: number } {
  const pairs: { name: string; value: string }[] = [];
  let i = 0;
  const name = match(IDENT, s, 0);
  if (name !== undefined) {
    pairs.push({ name: METRIC_NAME, value: name });
    i = name.length;
  }
  if (s[i] === "{") {
    i = parseLabelList(s, i + 1, pairs);
  } else if (name === undefined) {
    throw new SeriesDescError("a series description starts with a metric name or {");
  }
  const seen = new Set<string>();
  for (const p of pairs) {
    if (seen.has(p.name)) throw new SeriesDescError(`label ${p.name} is given twice`);
    seen.add(p.name);
  }
  return { labels: labelsFromPairs(pairs), end: i };
}

/** Reads `l="v", "name", ...}` from `i` (just past `{`); returns the index after `}`. */
function parseLabelList(s: string, i: number, out: { name: string; value: string }[]): number {
  const skip = () => {
    const sp = match(SPACE, s, i);
    if (sp !== undefined) i += sp.length;
  };
  for (;;) {
    skip();
    if (s[i] === "}") return i + 1;
    let name: string | undefined;
    const quoted = match(QUOTED, s, i);
    if (quoted !== undefined) {
      name = unquoteGo(quoted);
      if (name === undefined) throw new SeriesDescError(`bad string ${quoted}`);
      i += quoted.length;
      skip();
      if (s[i] !== "=") {
        // A lone quoted string is the metric name: {"my.metric", l="v"}.
        out.push({ name: METRIC_NAME, value: name });
        i = afterItem(s, i);
        if (s[i - 1] === "}") return i;
        continue;
      }
    } else {
      name = match(LABEL_NAME, s, i);
      if (name === undefined) throw new SeriesDescError(`expected a label name at column ${i + 1}`);
      i += name.length;
      skip();
    }
    if (s[i] !== "=" || s[i + 1] === "~") {
      throw new SeriesDescError(`expected = after label ${name} (only = is allowed here)`);
    }
    i++;
    skip();
    const value = match(QUOTED, s, i);
    const text = value === undefined ? undefined : unquoteGo(value);
    if (value === undefined || text === undefined) {
      throw new SeriesDescError(`expected a quoted value for label ${name}`);
    }
    out.push({ name, value: text });
    i = afterItem(s, i + value.length);
    if (s[i - 1] === "}") return i;
  }
}

/** After one label item: `,` (continue) or `}` (done); returns the index after it. */
function afterItem(s: string, i: number): number {
  let at = i;
  const sp = match(SPACE, s, at);
  if (sp !== undefined) at += sp.length;
  if (s[at] === "," || s[at] === "}") return at + 1;
  throw new SeriesDescError(`expected , or } at column ${at + 1}`);
}

const NUM = String.raw`(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?|[iI][nN][fF]|[nN][aA][nN]`;
const ITEM = new RegExp(`^([+-]?(?:${NUM}))(?:x([0-9]+)|([+-])(${NUM})x([0-9]+))?$`);
const HIST_TAIL = /^(?:x([0-9]+)|([+-])(\{\{[^}]*\}\})x([0-9]+))/;

/** A number as written in a series description (no hex; `_` separators; Inf, NaN). */
function seqNumber(text: string): number {
  const lower = text.toLowerCase();
  const sign = lower.startsWith("-") ? -1 : 1;
  const body = lower.replace(/^[+-]/, "");
  if (body === "inf") return sign * Number.POSITIVE_INFINITY;
  if (body === "nan") return Number.NaN;
  return sign * Number(body.replaceAll("_", ""));
}

function count(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new SeriesDescError(`invalid repetition ${text}`);
  return n;
}

/** Expands a value sequence (FORMAT.md 5b): `1x3` is 4 values, `_x3` is 3 omitted. */
export function parseValueSequence(text: string): SeqValue[] {
  const out: SeqValue[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === " " || text[i] === "\t") {
      i++;
      continue;
    }
    if (text.startsWith("{{", i)) {
      i = readHistogram(text, i, out);
      continue;
    }
    let j = i;
    while (j < text.length && text[j] !== " " && text[j] !== "\t") j++;
    pushItem(text.slice(i, j), out);
    i = j;
  }
  return out;
}

/** A `{{...}}` item with its optional `xN` or `+{{...}}xN` tail; returns the index after it. */
function readHistogram(text: string, i: number, out: SeqValue[]): number {
  const close = text.indexOf("}}", i + 2);
  if (close < 0) throw new SeriesDescError("unclosed {{ in a histogram value");
  const lit = text.slice(i, close + 2);
  const value: SeqValue = { kind: "histogram", text: lit };
  let end = close + 2;
  const tail = HIST_TAIL.exec(text.slice(end));
  let n = 1;
  if (tail !== null) {
    n = count(tail[1] ?? tail[4]) + 1;
    end += tail[0].length;
  }
  if (end < text.length && text[end] !== " " && text[end] !== "\t") {
    throw new SeriesDescError(`unexpected ${JSON.stringify(text[end])} after a histogram value`);
  }
  for (let k = 0; k < n; k++) out.push(value);
  return end;
}

/** Prometheus's staleness marker, a NaN with its own bit pattern. */
const STALE_MARKER: SeqValue = { kind: "float", v: STALE_NAN };
const OMITTED: SeqValue = { kind: "omitted" };

function pushItem(item: string, out: SeqValue[]): void {
  if (item === "_") {
    out.push(OMITTED);
    return;
  }
  if (item.startsWith("_x")) {
    const n = count(item.slice(2));
    for (let k = 0; k < n; k++) out.push(OMITTED);
    return;
  }
  if (item === "stale") {
    out.push(STALE_MARKER);
    return;
  }
  const m = ITEM.exec(item);
  if (m === null) {
    throw new SeriesDescError(
      `bad value ${JSON.stringify(item)}; want a number, _, stale, vxN, a+bxN or a-bxN`,
    );
  }
  let v = seqNumber(m[1]);
  if (m[2] === undefined && m[5] === undefined) {
    out.push({ kind: "float", v });
    return;
  }
  if (m[2] !== undefined) {
    const n = count(m[2]);
    for (let k = 0; k <= n; k++) out.push({ kind: "float", v });
    return;
  }
  const delta = (m[3] === "-" ? -1 : 1) * seqNumber(m[4]);
  const n = count(m[5]);
  // Repeated addition, as Prometheus does, so rounding matches its samples.
  for (let k = 0; k <= n; k++) {
    out.push({ kind: "float", v });
    v += delta;
  }
}
