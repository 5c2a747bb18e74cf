/**
 * Nagios performance data: `'label'=value[UOM];[warn];[crit];[min];[max]`,
 * items separated by spaces (https://nagios-plugins.org/doc/guidelines.html,
 * "Performance data"). Pure; never throws: items that do not parse are
 * skipped and counted, items whose value is `U` (unknown) are skipped.
 */
import type { PerfDatum } from "../types.js";

export interface ParsedPerfdata {
  readonly items: readonly PerfDatum[];
  /** Items that did not parse (bad label, value, unit, threshold or min/max) and were skipped. */
  readonly malformed: number;
  /** Items with the value `U` ("could not be determined"), skipped. */
  readonly unknown: number;
}

const NUMBER = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
/** The value, then a unit: anything that is not a digit, `;`, `.` or space (so `1,5` is rejected). */
const VALUE_RE = new RegExp(`^(${NUMBER})([^\\d;.\\s+-]*)$`);
const NUMBER_RE = new RegExp(`^${NUMBER}$`);
/** Nagios range: `10`, `10:`, `~:10`, `10:20`, `@10:20`. */
const RANGE_RE = new RegExp(`^@?(?:(?:${NUMBER}|~)?:)?(?:${NUMBER})?$`);

/** Parses the perfdata part of a plugin's output (everything after the `|`s, lines joined by spaces). */
export function parsePerfdata(text: string): ParsedPerfdata {
  const items: PerfDatum[] = [];
  let malformed = 0;
  let unknown = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const token = readItem(text, i);
    i = token.end;
    if (token.label === undefined || token.rest === undefined) {
      malformed++;
      continue;
    }
    const parsed = parseValue(token.label, token.rest);
    if (parsed === "unknown") unknown++;
    else if (parsed === undefined) malformed++;
    else items.push(parsed);
  }
  return { items, malformed, unknown };
}

/** True for the range syntax of the Nagios guidelines ("Threshold and ranges"). */
export function isNagiosRange(s: string): boolean {
  return s !== "" && s !== "@" && RANGE_RE.test(s);
}

interface RawItem {
  /** Undefined when the label is malformed. */
  readonly label?: string;
  /** Text after `=` up to the next space; undefined when there is no `=`. */
  readonly rest?: string;
  readonly end: number;
}

function readItem(text: string, start: number): RawItem {
  const n = text.length;
  let i = start;
  let label = "";
  if (text[i] === "'") {
    i++;
    let closed = false;
    while (i < n) {
      if (text[i] === "'") {
        if (text[i + 1] === "'") {
          label += "'";
          i += 2;
          continue;
        }
        closed = true;
        i++;
        break;
      }
      label += text[i];
      i++;
    }
    if (!closed || text[i] !== "=") return { end: skipToken(text, i) };
  } else {
    while (i < n && text[i] !== "=" && !isSpace(text.charCodeAt(i))) i++;
    label = text.slice(start, i);
    if (text[i] !== "=" || label.includes("'")) return { end: skipToken(text, i) };
  }
  if (label === "") return { end: skipToken(text, i) };
  const valueStart = i + 1;
  const end = skipToken(text, valueStart);
  return { label, rest: text.slice(valueStart, end), end };
}

function skipToken(text: string, i: number): number {
  while (i < text.length && !isSpace(text.charCodeAt(i))) i++;
  return i;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

function parseValue(label: string, rest: string): PerfDatum | "unknown" | undefined {
  const fields = rest.split(";");
  if (fields.length > 5) return undefined;
  const [valueField = "", warn = "", crit = "", min = "", max = ""] = fields;
  if (valueField === "U") return "unknown";
  const m = VALUE_RE.exec(valueField);
  if (!m) return undefined;
  const value = Number(m[1]);
  if (!Number.isFinite(value)) return undefined;
  if (warn !== "" && !isNagiosRange(warn)) return undefined;
  if (crit !== "" && !isNagiosRange(crit)) return undefined;
  if ((min !== "" && !NUMBER_RE.test(min)) || (max !== "" && !NUMBER_RE.test(max)))
    return undefined;
  const d: { -readonly [K in keyof PerfDatum]: PerfDatum[K] } = { label, value, uom: m[2] ?? "" };
  if (warn !== "") d.warn = warn;
  if (crit !== "") d.crit = crit;
  if (min !== "") d.min = Number(min);
  if (max !== "") d.max = Number(max);
  return d;
}
