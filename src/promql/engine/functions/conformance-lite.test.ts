/**
 * Dry run of the range functions against Prometheus's own expected numbers:
 * the `eval instant` cases of the conformance scripts that apply one range
 * function directly to a plain selector (`rate(metric[1m] smoothed)`,
 * `quantile_over_time(0.5, x[5m])`) are evaluated here with a minimal window
 * builder, without the engine. The full scripts run through the engine elsewhere.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Annotations } from "../../values.js";
import type { RangeWindow } from "../types.js";
import { RANGE_FUNCTIONS } from "./range.js";

const TESTDATA = "/work/shared/promql/testdata";
const LOOKBACK = 5 * 60_000;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function parseDuration(s: string): number {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  let total = 0;
  for (const m of s.matchAll(/(\d+)(ms|s|m|h|d)/g))
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return total;
}

function parseNumber(s: string): number {
  const t = s.toLowerCase();
  if (t === "nan") return Number.NaN;
  if (t === "inf" || t === "+inf") return Number.POSITIVE_INFINITY;
  if (t === "-inf") return Number.NEGATIVE_INFINITY;
  return Number(s);
}

/** Values of a load line; undefined for an omitted slot or a stale marker (windows never hold those). */
function expandValues(items: string[]): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (const item of items) {
    let m = /^_x(\d+)$/.exec(item);
    if (m) {
      for (let i = 0; i < Number(m[1]); i++) out.push(undefined);
      continue;
    }
    if (item === "_" || item === "stale") {
      out.push(undefined);
      continue;
    }
    m = /^([+-]?[^+-]+?)([+-])([^x]+)x(\d+)$/.exec(item);
    if (m) {
      const a = parseNumber(m[1] as string);
      const b = parseNumber(m[3] as string) * (m[2] === "-" ? -1 : 1);
      for (let i = 0; i <= Number(m[4]); i++) out.push(a + i * b);
      continue;
    }
    m = /^(.+)x(\d+)$/.exec(item);
    if (m) {
      for (let i = 0; i <= Number(m[2]); i++) out.push(parseNumber(m[1] as string));
      continue;
    }
    out.push(parseNumber(item));
  }
  return out;
}

interface LoadedSeries {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly ts: number[];
  readonly vs: number[];
}

function parseLabels(s: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (s ?? "").matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"([^"]*)"/g)) {
    out[m[1] as string] = m[2] as string;
  }
  return out;
}

function labelKey(l: Record<string, string>): string {
  return Object.keys(l)
    .filter((k) => k !== "__name__")
    .sort()
    .map((k) => `${k}=${l[k]}`)
    .join(",");
}

interface Case {
  readonly where: string;
  readonly fn: string;
  readonly t: number;
  readonly metric: string;
  readonly matchers: Record<string, string>;
  readonly range: number;
  readonly modifier: string | undefined;
  readonly scalars: number[];
  readonly expected: Map<string, number>;
  readonly series: LoadedSeries[];
}

const CALL =
  /^([a-z_]+)\((?:([-+0-9.e]+|Inf|NaN), *)?([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\[([0-9a-z]+)\](?: (anchored|smoothed))?(?:, *([-+0-9.e]+))?\)$/;

function parseScript(file: string): Case[] {
  const lines = readFileSync(`${TESTDATA}/${file}`, "utf8")
    .split("\n")
    .map((l) => l.trim());
  const cases: Case[] = [];
  let series: LoadedSeries[] = [];
  // Native histograms are out of scope: cases over metrics that have any are skipped.
  const histogramNames = new Set<string>();
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    i++;
    if (line === "clear") {
      series = [];
      histogramNames.clear();
      continue;
    }
    const load = /^load (\S+)$/.exec(line);
    if (load) {
      const step = parseDuration(load[1] as string);
      const fresh = [...series];
      while (i < lines.length && lines[i] !== "" && !(lines[i] as string).startsWith("#")) {
        const l = lines[i] as string;
        i++;
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?(\{[^}]*\})?\s+(.*)$/.exec(l);
        if (!m) continue;
        if (l.includes("{{")) {
          histogramNames.add(m[1] ?? "");
          continue;
        }
        const values = expandValues((m[3] as string).split(/\s+/).filter((x) => x !== ""));
        const ts: number[] = [];
        const vs: number[] = [];
        values.forEach((v, k) => {
          if (v !== undefined) {
            ts.push(k * step);
            vs.push(v);
          }
        });
        fresh.push({ name: m[1] ?? "", labels: parseLabels(m[2]), ts, vs });
      }
      series = fresh;
      continue;
    }
    const ev = /^eval instant at (\S+) (.*)$/.exec(line);
    if (!ev) continue;
    const expected = new Map<string, number>();
    let bad = false;
    while (i < lines.length && lines[i] !== "" && !(lines[i] as string).startsWith("#")) {
      const l = lines[i] as string;
      i++;
      if (l.startsWith("expect")) {
        if (l.startsWith("expect fail")) bad = true;
        continue;
      }
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?(\{[^}]*\})?\s+(\S+)$/.exec(l);
      if (!m) {
        bad = true;
        continue;
      }
      expected.set(labelKey(parseLabels(m[2])), parseNumber(m[3] as string));
    }
    const call = CALL.exec(ev[2] as string);
    if (bad || !call || !RANGE_FUNCTIONS.has(call[1] as string)) continue;
    if (histogramNames.has(call[3] as string)) continue;
    const scalars = [call[2], call[7]]
      .filter((x) => x !== undefined)
      .map((x) => parseNumber(x as string));
    cases.push({
      where: `${file}: eval instant at ${ev[1]} ${ev[2]}`,
      fn: call[1] as string,
      t: parseDuration(ev[1] as string),
      metric: call[3] as string,
      matchers: parseLabels(call[4]),
      range: parseDuration(call[5] as string),
      modifier: call[6],
      scalars,
      expected,
      series,
    });
  }
  return cases;
}

function evaluate(c: Case): Map<string, number> {
  const fn = RANGE_FUNCTIONS.get(c.fn);
  if (!fn) throw new Error(c.fn);
  const out = new Map<string, number>();
  for (const s of c.series) {
    if (s.name !== c.metric) continue;
    if (Object.entries(c.matchers).some(([k, v]) => s.labels[k] !== v)) continue;
    const rangeEnd = c.t;
    const rangeStart = c.t - c.range;
    let first = 0;
    while (first < s.ts.length && (s.ts[first] as number) <= rangeStart) first++;
    let end = first;
    while (end < s.ts.length && (s.ts[end] as number) <= rangeEnd) end++;
    const w: RangeWindow = {
      ts: s.ts,
      vs: s.vs,
      first,
      end,
      rangeStart,
      rangeEnd,
      anchored: c.modifier === "anchored",
      smoothed: c.modifier === "smoothed",
      metricName: s.name,
      evalTime: c.t,
    };
    const ctx = {
      annotations: new Annotations(""),
      argPos: { start: 0, end: 0 },
      lookbackDelta: LOOKBACK,
    };
    const v = fn(w, c.scalars, ctx);
    if (v !== undefined) out.set(labelKey(s.labels), v);
  }
  return out;
}

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)) < 1e-6;
}

describe.each(["extended_vectors.test", "functions.test"])("conformance cases of %s", (file) => {
  const cases = parseScript(file);

  it("finds cases to run", () => {
    // 100 and 118 cases at Prometheus 3.14.
    expect(cases.length).toBeGreaterThan(80);
  });

  it("matches Prometheus's expected values", () => {
    const failures: string[] = [];
    for (const c of cases) {
      const got = evaluate(c);
      const ok =
        got.size === c.expected.size &&
        [...c.expected].every(([k, v]) => got.has(k) && close(got.get(k) as number, v));
      if (!ok) {
        failures.push(
          `${c.where}\n  want ${JSON.stringify([...c.expected])}\n  got  ${JSON.stringify([...got])}`,
        );
      }
    }
    expect(failures).toEqual([]);
  });
});
