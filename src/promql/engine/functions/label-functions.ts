/**
 * label_replace and label_join: rewrite one label of every sample, values
 * untouched. Writing `__name__` brings the name back for good (the sample no
 * longer drops it); other writes keep the input's pending name drop.
 * Duplicate label sets are the evaluator's to detect, as for every function.
 */

import { expandTemplate, parseTemplate } from "../../../lib/go-expand.js";
import { compileRe2 } from "../../../lib/re2.js";
import { getLabel, METRIC_NAME } from "../../../storage/index.js";
import { execError, type VectorSample } from "../../values.js";
import type { VectorFunction } from "../types.js";
import { withLabel } from "./label-set.js";

/**
 * Prometheus 3 accepts any non-empty UTF-8 string as a label name. JS strings
 * are UTF-16: a lone surrogate, or U+FFFD (what decoding invalid UTF-8 such
 * as "\xff" yields), marks a name that was not valid UTF-8.
 */
export function isValidLabelName(name: string): boolean {
  return name.length > 0 && !LONE_SURROGATE.test(name) && !name.includes("\uFFFD");
}

// In unicode mode a surrogate pair is one code point, so \p{Cs} only matches lone halves.
const LONE_SURROGATE = /\p{Cs}/u;

const regexCache = new Map<string, RegExp>();

/** Compiled as Prometheus does: `^(?s:re)$`, RE2 syntax. Cached: called per step. */
function compileLabelReplaceRegex(source: string): RegExp {
  let re = regexCache.get(source);
  if (re === undefined) {
    const r = compileRe2(source, { dotMatchesNewline: true });
    if (!r.ok) throw execError(`invalid regular expression in label_replace(): ${source}`);
    re = r.regex;
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(source, re);
  }
  return re;
}

function relabeled(s: VectorSample, dst: string, value: string, t: number): VectorSample {
  return {
    labels: withLabel(s.labels, dst, value),
    t,
    v: s.v,
    dropName: dst === METRIC_NAME ? false : s.dropName,
  };
}

/** label_replace(v, dst, replacement, src, regex): samples whose src value does not match pass unchanged. */
export const labelReplace: VectorFunction = (args) => {
  const [dst, replacement, src, source] = args.strings as [string, string, string, string];
  const re = compileLabelReplaceRegex(source);
  if (!isValidLabelName(dst)) {
    throw execError(`invalid destination label name in label_replace(): ${dst}`);
  }
  const out: VectorSample[] = [];
  for (const s of args.vectors[0] ?? []) {
    re.lastIndex = 0;
    const m = re.exec(getLabel(s.labels, src));
    if (m === null) {
      out.push(s.t === args.t ? s : { ...s, t: args.t });
      continue;
    }
    out.push(relabeled(s, dst, expandTemplate(parseTemplate(replacement), m), args.t));
  }
  return out;
};

/** label_join(v, dst, separator, src...): missing source labels join as "". */
export const labelJoin: VectorFunction = (args) => {
  const [dst, separator, ...srcs] = args.strings as [string, string, ...string[]];
  for (const src of srcs) {
    if (!isValidLabelName(src)) {
      throw execError(`invalid source label name in label_join(): ${src}`);
    }
  }
  if (!isValidLabelName(dst)) {
    throw execError(`invalid destination label name in label_join(): ${dst}`);
  }
  const out: VectorSample[] = [];
  for (const s of args.vectors[0] ?? []) {
    const value = srcs.map((src) => getLabel(s.labels, src)).join(separator);
    out.push(relabeled(s, dst, value, args.t));
  }
  return out;
};
