/**
 * The series part of an exposition line: `name{label="value",...}`, or the
 * UTF-8 form `{"name", "label.x"="value"}` (Prometheus 3 / OpenMetrics 2
 * quoting). A hand-written scanner over the string (Fast path: charCodeAt,
 * no regex, no substring until asked): it validates and records offsets;
 * `buildLabels` turns a recorded series into `Labels` only when a caller
 * needs them.
 */
import { ReddotError } from "../../lib/errors.js";
import type { Label, Labels } from "../../storage/index.js";
import { normalizeFloatLabel } from "./numbers.js";

export const C_TAB = 9;
export const C_SPACE = 32;
export const C_QUOTE = 34;
export const C_HASH = 35;
const C_COMMA = 44;
const C_EQUALS = 61;
const C_BACKSLASH = 92;
const C_LBRACE = 123;
const C_RBRACE = 125;
const C_N = 110;

// Character classes of ASCII, as bit sets: metric names are
// [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*.
const M_START = 1;
const M_CHAR = 2;
const L_START = 4;
const L_CHAR = 8;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  const digit = c >= 48 && c <= 57;
  if (alpha || c === 58) CLASS[c] |= M_START | M_CHAR;
  if (digit) CLASS[c] |= M_CHAR | L_CHAR;
  if (alpha) CLASS[c] |= L_START | L_CHAR;
}

/** Which label values get Prometheus' float normalisation (from the family's TYPE). */
export const NORM_NONE = 0;
/** Histogram: `le`. */
export const NORM_LE = 1;
/** Summary: `quantile`. */
export const NORM_QUANTILE = 2;

/** Label fields per recorded label: name start, name end, value start, value end, flags. */
const STRIDE = 5;
const F_NAME_ESCAPED = 1;
const F_VALUE_ESCAPED = 2;

/** True for a space or a tab, the separators of both formats. */
export function isBlank(c: number): boolean {
  return c === C_SPACE || c === C_TAB;
}

/** Index of the first non-blank character at or after `i`. */
export function skipBlanks(s: string, i: number, end: number): number {
  while (i < end && isBlank(s.charCodeAt(i))) i++;
  return i;
}

/** Text of `s[start, end)` with `\\`, `\n` and (when `quotes`) `\"` unescaped; other escapes are kept as written, as Prometheus does. */
export function unescapeText(s: string, start: number, end: number, quotes = true): string {
  let out = "";
  let from = start;
  for (let i = start; i < end - 1; i++) {
    if (s.charCodeAt(i) !== C_BACKSLASH) continue;
    const n = s.charCodeAt(i + 1);
    const rep =
      n === C_BACKSLASH ? "\\" : n === C_N ? "\n" : quotes && n === C_QUOTE ? '"' : undefined;
    if (rep !== undefined) {
      out += s.slice(from, i) + rep;
      from = i + 2;
    }
    i++;
  }
  return from === start ? s.slice(start, end) : out + s.slice(from, end);
}

/** Index of the first character at or after `i` outside the class `mask`. */
function skipClass(s: string, i: number, end: number, mask: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (CLASS[c] & mask) === 0) break;
    i++;
  }
  return i;
}

/** True when `s[start, end)` is a bare metric name ([a-zA-Z_:][a-zA-Z0-9_:]*). */
export function isMetricName(s: string, start: number, end: number): boolean {
  if (start >= end) return false;
  let c = s.charCodeAt(start);
  if (!(c < 128 && CLASS[c] & M_START)) return false;
  for (let i = start + 1; i < end; i++) {
    c = s.charCodeAt(i);
    if (!(c < 128 && CLASS[c] & M_CHAR)) return false;
  }
  return true;
}

/** Describes what stands at `i` for an error message. */
export function foundAt(s: string, i: number, end: number): string {
  if (i >= end) return "end of line";
  return JSON.stringify(s[i]);
}

/** Scans series text; after `scan`, the offsets of the name and labels are in its fields. */
export class SeriesScanner {
  /** Line number used in error messages. */
  line = 0;
  nameStart = -1;
  nameEnd = -1;
  nameEscaped = false;
  /** Recorded labels (the name excluded), STRIDE ints each. */
  ranges = new Int32Array(STRIDE * 16);
  count = 0;
  private lastEscaped = false;

  constructor(readonly text: string) {}

  /** Throws the format's error for this line. */
  fail(found: string, want: string): never {
    throw new ReddotError("RD_BAD_EXPOSITION", 400, `line ${this.line}: ${found}, want ${want}`);
  }

  /** Scans the series starting at `start`; returns the index just after it (after the name or the `}`). */
  scan(start: number, end: number): number {
    const s = this.text;
    this.nameStart = -1;
    this.nameEnd = -1;
    this.nameEscaped = false;
    this.count = 0;
    let i = start;
    const c = s.charCodeAt(i);
    if (c !== C_LBRACE) {
      if (!(c < 128 && CLASS[c] & M_START))
        this.fail(`found ${foundAt(s, i, end)}`, "a metric name");
      i++;
      i = skipClass(s, i, end, M_CHAR);
      this.nameStart = start;
      this.nameEnd = i;
      // The text format allows blanks between the name and "{".
      const j = skipBlanks(s, i, end);
      if (j >= end || s.charCodeAt(j) !== C_LBRACE) return i;
      i = j;
    }
    i = this.scanLabels(i + 1, end, false);
    if (this.nameStart < 0) this.fail("found no metric name", 'a name before "{" or quoted inside');
    return i;
  }

  /**
   * Scans a label set after its `{`; returns the index after `}`. In an
   * exemplar (`exemplar`), a quoted metric name is not allowed and nothing
   * about the series' name changes.
   */
  scanLabels(i: number, end: number, exemplar: boolean): number {
    const s = this.text;
    for (;;) {
      i = skipBlanks(s, i, end);
      let c = i < end ? s.charCodeAt(i) : -1;
      if (c === C_RBRACE) return i + 1;
      let ns: number;
      let ne: number;
      let nameEscaped = false;
      const quoted = c === C_QUOTE;
      if (quoted) {
        ns = i + 1;
        ne = this.scanQuoted(ns, end);
        nameEscaped = this.lastEscaped;
        i = ne + 1;
      } else if (c >= 0 && c < 128 && CLASS[c] & L_START) {
        ns = i;
        i++;
        i = skipClass(s, i, end, L_CHAR);
        ne = i;
      } else {
        this.fail(`found ${foundAt(s, i, end)}`, 'a label name or "}"');
      }
      i = skipBlanks(s, i, end);
      c = i < end ? s.charCodeAt(i) : -1;
      if (quoted && !exemplar && (c === C_COMMA || c === C_RBRACE)) {
        this.setName(ns, ne, nameEscaped);
        if (c === C_COMMA) i++;
        continue;
      }
      if (c !== C_EQUALS) this.fail(`found ${foundAt(s, i, end)} after a label name`, '"="');
      i = skipBlanks(s, i + 1, end);
      if (i >= end || s.charCodeAt(i) !== C_QUOTE) {
        this.fail(`found ${foundAt(s, i, end)}`, "a quoted label value");
      }
      const vs = i + 1;
      const ve = this.scanQuoted(vs, end);
      const valueEscaped = this.lastEscaped;
      i = ve + 1;
      if (ne === ns) this.fail("found an empty label name", "a non-empty name");
      if (!exemplar) this.addLabel(ns, ne, nameEscaped, vs, ve, valueEscaped);
      i = skipBlanks(s, i, end);
      c = i < end ? s.charCodeAt(i) : -1;
      if (c === C_COMMA) {
        i++;
      } else if (c !== C_RBRACE) {
        this.fail(`found ${foundAt(s, i, end)} after a label value`, '"," or "}"');
      }
    }
  }

  /** Returns the index of the closing quote of a string opened before `i`. */
  private scanQuoted(i: number, end: number): number {
    const s = this.text;
    this.lastEscaped = false;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === C_QUOTE) return i;
      if (c === C_BACKSLASH) {
        this.lastEscaped = true;
        i += 2;
      } else {
        i++;
      }
    }
    return this.fail("found end of line inside a quoted string", 'a closing "');
  }

  private setName(start: number, end: number, escaped: boolean): void {
    if (this.nameStart >= 0) {
      this.fail(`found a second metric name ${this.quote(start, end, escaped)}`, "one name");
    }
    if (end === start) this.fail("found an empty metric name", "a non-empty name");
    this.nameStart = start;
    this.nameEnd = end;
    this.nameEscaped = escaped;
  }

  private addLabel(ns: number, ne: number, nEsc: boolean, vs: number, ve: number, vEsc: boolean) {
    if (this.sameText(ns, ne, nEsc, "__name__")) {
      // `{__name__="x"}` names the series like a quoted name does.
      this.setName(vs, ve, vEsc);
      return;
    }
    const r = this.ranges;
    for (let k = 0; k < this.count; k++) {
      const o = k * STRIDE;
      if (this.sameName(r[o], r[o + 1], (r[o + 4] & F_NAME_ESCAPED) !== 0, ns, ne, nEsc)) {
        this.fail(`found label ${this.quote(ns, ne, nEsc)} twice`, "unique label names");
      }
    }
    let o = this.count * STRIDE;
    if (o + STRIDE > r.length) {
      const grown = new Int32Array(r.length * 2);
      grown.set(r);
      this.ranges = grown;
    }
    const w = this.ranges;
    w[o++] = ns;
    w[o++] = ne;
    w[o++] = vs;
    w[o++] = ve;
    w[o] = (nEsc ? F_NAME_ESCAPED : 0) | (vEsc ? F_VALUE_ESCAPED : 0);
    this.count++;
  }

  private sameName(as: number, ae: number, aEsc: boolean, bs: number, be: number, bEsc: boolean) {
    const s = this.text;
    if (aEsc || bEsc) return unescapeText(s, as, ae) === unescapeText(s, bs, be);
    if (ae - as !== be - bs) return false;
    for (let k = 0; k < ae - as; k++) {
      if (s.charCodeAt(as + k) !== s.charCodeAt(bs + k)) return false;
    }
    return true;
  }

  private sameText(start: number, end: number, escaped: boolean, want: string): boolean {
    if (escaped) return unescapeText(this.text, start, end) === want;
    return end - start === want.length && this.text.startsWith(want, start);
  }

  private quote(start: number, end: number, escaped: boolean): string {
    return JSON.stringify(
      escaped ? unescapeText(this.text, start, end) : this.text.slice(start, end),
    );
  }
}

/**
 * A copy of `s` that does not keep a larger string alive: V8 represents a
 * slice of 13 or more characters as a view on its parent (the whole scrape
 * body); label strings outlive the scrape in the store.
 */
function detach(s: string): string {
  return s.length < 13 ? s : ` ${s}`.slice(1);
}

/**
 * The Labels of the series at `text[start, end)` of the scanner's text, which
 * a scan already validated (names sorted, empty values dropped, `le` and
 * `quantile` normalised per `norm`). Reuses the scanner's offset arrays.
 */
export function buildLabels(scan: SeriesScanner, start: number, end: number, norm: number): Labels {
  const key = scan.text;
  scan.scan(start, end);
  const name = scan.nameEscaped
    ? unescapeText(key, scan.nameStart, scan.nameEnd)
    : key.slice(scan.nameStart, scan.nameEnd);
  const out: Label[] = [{ name: "__name__", value: detach(name) }];
  const r = scan.ranges;
  for (let k = 0; k < scan.count; k++) {
    const o = k * STRIDE;
    if (r[o + 2] === r[o + 3]) continue; // empty value: no label (Prometheus data model)
    const flags = r[o + 4];
    const n =
      flags & F_NAME_ESCAPED ? unescapeText(key, r[o], r[o + 1]) : key.slice(r[o], r[o + 1]);
    let v =
      flags & F_VALUE_ESCAPED
        ? unescapeText(key, r[o + 2], r[o + 3])
        : key.slice(r[o + 2], r[o + 3]);
    if ((norm === NORM_LE && n === "le") || (norm === NORM_QUANTILE && n === "quantile")) {
      v = normalizeFloatLabel(v);
    }
    out.push({ name: detach(n), value: detach(v) });
  }
  // Insertion sort: label sets are short and usually written sorted.
  for (let i = 1; i < out.length; i++) {
    const l = out[i];
    let j = i - 1;
    while (j >= 0 && out[j].name > l.name) {
      out[j + 1] = out[j];
      j--;
    }
    out[j + 1] = l;
  }
  return out;
}
