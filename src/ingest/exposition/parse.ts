/**
 * Parsers of the scrape formats: the Prometheus text format 0.0.4 and
 * OpenMetrics 1.0 text (docs/formats/exposition.md). One line-oriented,
 * hand-written scanner (Fast path: charCodeAt over the body, no regex, no
 * split) with the OpenMetrics differences switched on by a flag. Behaviour
 * follows Prometheus' model/textparse (promparse.go, openmetricsparse.go)
 * where the specifications leave room.
 */
import type { Labels } from "../../storage/index.js";
import { parseFloatToken, parseIntegerMs, parseSecondsToMs } from "./numbers.js";
import {
  buildLabels,
  C_HASH,
  C_QUOTE,
  foundAt,
  isBlank,
  isMetricName,
  NORM_LE,
  NORM_NONE,
  NORM_QUANTILE,
  SeriesScanner,
  skipBlanks,
  unescapeText,
} from "./series.js";

/** One sample of a scrape. */
export interface ScrapeEntry {
  /** Sorted labels including `__name__`; built on first access (a lazy getter: do not spread the entry). */
  readonly labels: Labels;
  readonly value: number;
  /** Milliseconds; present only when the line carried a timestamp. */
  readonly timestamp?: number;
  /**
   * The raw series text before the value, e.g. `node_cpu_seconds_total{cpu="0",mode="idle"}`:
   * equal text means equal labels, so it serves as a cache key. It is a slice
   * of the scrape body and keeps the body alive while referenced; copy it
   * (e.g. `(" " + key).slice(1)`) before keeping it across scrapes.
   */
  readonly key: string;
}

/** HELP, TYPE and UNIT of one metric family ("" when absent). */
export interface MetricMetadata {
  type: string;
  help: string;
  unit: string;
}

/** The result of parsing one scrape body. */
export interface ParsedScrape {
  entries: ScrapeEntry[];
  /** By metric family name, as written in the HELP/TYPE/UNIT lines. */
  metadata: Map<string, MetricMetadata>;
}

const TEXT_TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const OM_TYPES = new Set([
  "counter",
  "gauge",
  "histogram",
  "gaugehistogram",
  "summary",
  "info",
  "stateset",
  "unknown",
]);

const C_CR = 13;

/** True when the Content-Type names OpenMetrics text (`application/openmetrics-text`, any parameters). */
export function isOpenMetrics(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semi = contentType.indexOf(";");
  const media = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return media === "application/openmetrics-text";
}

/**
 * Parses a scrape body: OpenMetrics when `contentType` says so, the
 * Prometheus text format otherwise (as Prometheus falls back to it).
 * `defaultTimestamp` (the scrape time, ms) is not stamped on entries: an
 * entry's `timestamp` is set only when the exposition gave one, so that the
 * caller can tell explicit timestamps from its own.
 * Throws RD_BAD_EXPOSITION ("line N: <found>, want <what>").
 */
export function parseExposition(
  text: string,
  contentType: string | undefined,
  defaultTimestamp: number,
): ParsedScrape {
  void defaultTimestamp; // see the doc comment: kept for the scrape loop's signature
  return new ExpositionParser(text, isOpenMetrics(contentType)).run();
}

/**
 * An entry with lazily built labels: a scrape-cache hit never builds them.
 * Entries of one parse share its scanner, which re-reads the series from the
 * body at `start` when labels are asked for (after the parse has finished).
 */
class Entry implements ScrapeEntry {
  private built: Labels | undefined = undefined;

  constructor(
    readonly key: string,
    readonly value: number,
    readonly timestamp: number | undefined,
    private readonly norm: number,
    private readonly scan: SeriesScanner,
    private readonly start: number,
  ) {}

  get labels(): Labels {
    if (this.built === undefined) {
      this.built = buildLabels(this.scan, this.start, this.start + this.key.length, this.norm);
    }
    return this.built;
  }
}

class ExpositionParser {
  private readonly scan: SeriesScanner;
  private readonly entries: ScrapeEntry[] = [];
  private readonly metadata = new Map<string, MetricMetadata>();
  /** Normalisation of `le`/`quantile`, from the last TYPE line (as Prometheus tracks it). */
  private norm = NORM_NONE;
  /** OpenMetrics: `_created` series of the current family are skipped. */
  private skipCreated = false;

  constructor(
    private readonly text: string,
    private readonly om: boolean,
  ) {
    this.scan = new SeriesScanner(text);
  }

  private fail(found: string, want: string): never {
    return this.scan.fail(found, want);
  }

  run(): ParsedScrape {
    const s = this.text;
    const n = s.length;
    let pos = 0;
    let line = 0;
    let sawEof = false;
    while (pos < n) {
      line++;
      this.scan.line = line;
      let eol = s.indexOf("\n", pos);
      if (eol < 0) eol = n;
      let end = eol;
      if (!this.om && end > pos && s.charCodeAt(end - 1) === C_CR) end--; // CRLF
      if (this.om && end - pos === 5 && s.startsWith("# EOF", pos)) {
        if (eol + 1 < n) {
          this.scan.line = line + 1;
          this.fail(
            `found ${JSON.stringify(s.slice(eol + 1, eol + 21))} after # EOF`,
            "end of input",
          );
        }
        sawEof = true;
        break;
      }
      this.readLine(pos, end);
      pos = eol + 1;
    }
    if (this.om && !sawEof) {
      this.scan.line = line + 1;
      this.fail("found end of input", '"# EOF" as the last line');
    }
    return { entries: this.entries, metadata: this.metadata };
  }

  private readLine(start: number, end: number): void {
    const i = skipBlanks(this.text, start, end);
    if (i === end) return; // blank line
    if (this.text.charCodeAt(i) === C_HASH) this.readComment(i, end);
    else this.readSample(i, end);
  }

  /** `# HELP`, `# TYPE`, `# UNIT` (OpenMetrics) or a comment, which is ignored. */
  private readComment(i: number, end: number): void {
    const s = this.text;
    if (i + 1 >= end || !isBlank(s.charCodeAt(i + 1))) return; // "#foo": a comment
    const k = skipBlanks(s, i + 1, end);
    let kind = "";
    for (const word of this.om ? ["HELP", "TYPE", "UNIT"] : ["HELP", "TYPE"]) {
      if (s.startsWith(word, k) && k + 4 < end && isBlank(s.charCodeAt(k + 4))) kind = word;
    }
    if (kind === "") return;
    let j = skipBlanks(s, k + 5, end);
    const [name, after] = this.readMetaName(j, end, kind);
    j = after;
    if (j < end && !isBlank(s.charCodeAt(j))) {
      this.fail(`found ${foundAt(s, j, end)} after the metric name`, "a blank");
    }
    if (j < end) j++; // one separator; the rest of the line is the text
    const meta = this.metaOf(name);
    if (kind === "HELP") {
      // Text format escapes only \\ and \n in HELP; OpenMetrics also \".
      meta.help = unescapeText(s, j, end, this.om);
    } else if (kind === "UNIT") {
      meta.unit = s.slice(j, end).trim();
    } else {
      const type = s.slice(j, end).trim();
      if (!(this.om ? OM_TYPES : TEXT_TYPES).has(type)) {
        const known = [...(this.om ? OM_TYPES : TEXT_TYPES)].join(", ");
        this.fail(`found type ${JSON.stringify(type)}`, `one of ${known}`);
      }
      meta.type = type;
      this.norm = type === "histogram" ? NORM_LE : type === "summary" ? NORM_QUANTILE : NORM_NONE;
      this.skipCreated =
        this.om && (type === "counter" || type === "histogram" || type === "summary");
    }
  }

  /** Reads the (bare or quoted) metric name of a HELP/TYPE/UNIT line. */
  private readMetaName(i: number, end: number, kind: string): [string, number] {
    const s = this.text;
    if (i < end && s.charCodeAt(i) === C_QUOTE) {
      let j = i + 1;
      let escaped = false;
      while (j < end && s.charCodeAt(j) !== C_QUOTE) {
        if (s.charCodeAt(j) === 92) {
          escaped = true;
          j++;
        }
        j++;
      }
      if (j >= end) this.fail("found end of line inside a quoted name", 'a closing "');
      if (j === i + 1) this.fail("found an empty metric name", "a non-empty name");
      return [escaped ? unescapeText(s, i + 1, j) : s.slice(i + 1, j), j + 1];
    }
    let j = i;
    while (j < end && !isBlank(s.charCodeAt(j))) j++;
    if (j === i) this.fail(`found ${foundAt(s, i, end)} after ${kind}`, "a metric name");
    if (!isMetricName(s, i, j)) {
      this.fail(`found ${JSON.stringify(s.slice(i, j))} after ${kind}`, "a metric name");
    }
    return [s.slice(i, j), j];
  }

  private metaOf(name: string): MetricMetadata {
    let m = this.metadata.get(name);
    if (m === undefined) {
      m = { type: "", help: "", unit: "" };
      this.metadata.set(name, m);
    }
    return m;
  }

  /** `series value [timestamp]`, and in OpenMetrics an optional ` # {exemplar} value [ts]`. */
  private readSample(i: number, end: number): void {
    const s = this.text;
    const scan = this.scan;
    const seriesEnd = scan.scan(i, end);
    let j = seriesEnd;
    if (j >= end || !isBlank(s.charCodeAt(j))) {
      this.fail(`found ${foundAt(s, j, end)} after the series`, "a blank and a value");
    }
    j = skipBlanks(s, j, end);
    const vStart = j;
    while (j < end && !isBlank(s.charCodeAt(j))) j++;
    const value = parseFloatToken(s, vStart, j);
    if (value === undefined) {
      const tok = vStart === j ? "end of line" : JSON.stringify(s.slice(vStart, j));
      this.fail(`found ${tok} as value`, "a number");
    }
    j = skipBlanks(s, j, end);
    let timestamp: number | undefined;
    if (j < end && s.charCodeAt(j) !== C_HASH) {
      const tStart = j;
      while (j < end && !isBlank(s.charCodeAt(j))) j++;
      timestamp = this.om ? parseSecondsToMs(s, tStart, j) : parseIntegerMs(s, tStart, j);
      if (timestamp === undefined) {
        const want = this.om ? "a timestamp in seconds" : "an integer timestamp in ms";
        this.fail(`found ${JSON.stringify(s.slice(tStart, j))} as timestamp`, want);
      }
      j = skipBlanks(s, j, end);
    }
    if (j < end) {
      if (this.om && s.charCodeAt(j) === C_HASH) this.skipExemplar(j, end);
      else this.fail(`found ${JSON.stringify(s.slice(j, end))} at the end`, "end of line");
    }
    if (
      this.skipCreated &&
      scan.nameEnd - scan.nameStart >= 8 &&
      s.startsWith("_created", scan.nameEnd - 8)
    ) {
      return; // OpenMetrics created timestamps: skipped as Prometheus does by default
    }
    this.entries.push(new Entry(s.slice(i, seriesEnd), value, timestamp, this.norm, scan, i));
  }

  /** Validates and skips an exemplar: `# {labels} value [timestamp]`. */
  private skipExemplar(i: number, end: number): void {
    const s = this.text;
    let j = i + 1;
    if (j >= end || !isBlank(s.charCodeAt(j)))
      this.fail(`found ${foundAt(s, j, end)} after "#"`, "a blank");
    j = skipBlanks(s, j, end);
    if (j >= end || s.charCodeAt(j) !== 123) {
      this.fail(`found ${foundAt(s, j, end)}`, 'an exemplar label set "{...}"');
    }
    j = this.scan.scanLabels(j + 1, end, true);
    j = skipBlanks(s, j, end);
    const vStart = j;
    while (j < end && !isBlank(s.charCodeAt(j))) j++;
    if (parseFloatToken(s, vStart, j) === undefined) {
      this.fail(`found ${JSON.stringify(s.slice(vStart, j))} as exemplar value`, "a number");
    }
    j = skipBlanks(s, j, end);
    if (j < end) {
      const tStart = j;
      while (j < end && !isBlank(s.charCodeAt(j))) j++;
      if (parseSecondsToMs(s, tStart, j) === undefined || skipBlanks(s, j, end) < end) {
        this.fail(
          `found ${JSON.stringify(s.slice(tStart, end))} after the exemplar value`,
          "a timestamp or end of line",
        );
      }
    }
  }
}
