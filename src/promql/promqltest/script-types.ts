/**
 * A parsed promqltest script: the commands of a `.test` file (FORMAT.md).
 * Times and durations are milliseconds since the Unix epoch; `line` is
 * 1-based in the script file.
 */
import type { Labels } from "../../storage/index.js";
import type { SeqValue } from "./series-desc.js";

export type Command = ClearCommand | LoadCommand | EvalCommand;

export interface ClearCommand {
  readonly type: "clear";
  readonly line: number;
}

export interface LoadedSeries {
  readonly labels: Labels;
  readonly values: readonly SeqValue[];
  /** Start-timestamp offsets (ms) from a preceding `@st` line; undefined items are `_`. */
  readonly startOffsets?: readonly (number | undefined)[];
  readonly line: number;
}

export interface LoadCommand {
  readonly type: "load";
  readonly line: number;
  /** Gap between successive values (ms); value i is at `i * step`. */
  readonly step: number;
  /** `load_with_nhcb`: classic histograms are also stored as native ones. */
  readonly withNhcb: boolean;
  /** One entry per label set; a later line of the same set replaced an earlier one. */
  readonly series: readonly LoadedSeries[];
}

/** How an `expect` line's text is matched: anything, exact text, or an unanchored RE2 regex. */
export type TextMatch =
  | { readonly kind: "any" }
  | { readonly kind: "msg"; readonly text: string }
  | { readonly kind: "regex"; readonly source: string; readonly regex: RegExp };

export type ExpectKind = "fail" | "warn" | "info" | "no_warn" | "no_info" | "ordered";

export interface Expectation {
  readonly kind: ExpectKind;
  readonly match: TextMatch;
  readonly line: number;
}

export interface ExpectedSeries {
  readonly labels: Labels;
  readonly values: readonly SeqValue[];
  /** 1-based position among the eval's series lines (for `expect ordered`). */
  readonly pos: number;
  readonly line: number;
}

export interface EvalCommand {
  readonly type: "eval";
  readonly line: number;
  readonly expr: string;
  readonly kind: "instant" | "range";
  /** Instant: the evaluation time. Range: the query range. */
  readonly time: number;
  readonly start: number;
  readonly end: number;
  readonly step: number;
  /** Deprecated header forms: eval_fail, eval_warn, eval_info, eval_ordered. */
  readonly legacy: { fail: boolean; warn: boolean; info: boolean; ordered: boolean };
  readonly expects: readonly Expectation[];
  /** `expected_fail_message` / `expected_fail_regexp` after `eval_fail`. */
  readonly failMessage?: string;
  readonly failRegexp?: TextMatch;
  /** `expect range vector from a to b step s` (instant evals): the matrix's time grid. */
  readonly rangeVector?: { readonly start: number; readonly end: number; readonly step: number };
  /** `expect string "..."`; undefined when absent (Prometheus then compares against ""). */
  readonly expectString?: string;
  /** A bare number line: the result must be this scalar. */
  readonly expectScalar?: number;
  /** Expected series, one per label set (a repeated set replaces the earlier line). */
  readonly series: readonly ExpectedSeries[];
}
