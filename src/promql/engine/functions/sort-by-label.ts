/**
 * sort_by_label and sort_by_label_desc (experimental): order an instant
 * vector by the given labels' values in natural order (numbers inside values
 * compared as numbers: "a2" < "a10"), then by the whole label set so the
 * order is total.
 */
import { compareLabels, getLabel } from "../../../storage/index.js";
import type { VectorSample } from "../../values.js";
import type { VectorFunction } from "../types.js";

/** Runs of ASCII digits and runs of anything else, as Go's `(\d+|\D+)`. */
const CHUNK = /[0-9]+|[^0-9]+/g;
const MAX_INT64 = 9223372036854775807n;

/** Go's string order: UTF-8 bytes, i.e. code points (JS `<` compares UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** A chunk's value when Go's strconv.Atoi accepts it (digits that fit an int64). */
function chunkInt(chunk: string): bigint | undefined {
  if (!/^[0-9]+$/.test(chunk)) return undefined;
  const v = BigInt(chunk);
  return v <= MAX_INT64 ? v : undefined;
}

/**
 * The natural order of github.com/facette/natsort (the version Prometheus
 * pins): true when `a` sorts before `b`. It compares chunk by chunk, numbers
 * as integers; a string that runs out of chunks first sorts first, and when
 * the chunks are equal up to `a`'s last one it reports `a` first even if the
 * strings are equal (callers compare equal values themselves).
 */
export function naturalLess(a: string, b: string): boolean {
  const ca = a.match(CHUNK) ?? [];
  const cb = b.match(CHUNK) ?? [];
  for (let i = 0; i < ca.length; i++) {
    if (i >= cb.length) return false;
    const x = ca[i] as string;
    const y = cb[i] as string;
    const xi = chunkInt(x);
    const yi = chunkInt(y);
    if (xi !== undefined && yi !== undefined) {
      if (xi !== yi) return xi < yi;
    } else if (x !== y) {
      return compareCodePoints(x, y) < 0;
    }
    if (i === ca.length - 1) return true;
    if (i === cb.length - 1) return false;
  }
  return false;
}

function sortByLabels(
  samples: readonly VectorSample[],
  names: readonly string[],
  desc: boolean,
  t: number,
): VectorSample[] {
  const sign = desc ? -1 : 1;
  const out = samples.map((s) => (s.t === t ? s : { ...s, t }));
  return out.sort((a, b) => {
    for (const name of names) {
      const x = getLabel(a.labels, name);
      const y = getLabel(b.labels, name);
      if (x === y) continue;
      return naturalLess(x, y) ? -sign : sign;
    }
    return sign * compareLabels(a.labels, b.labels);
  });
}

export const sortByLabel: VectorFunction = (args) =>
  sortByLabels(args.vectors[0] ?? [], args.strings, false, args.t);

export const sortByLabelDesc: VectorFunction = (args) =>
  sortByLabels(args.vectors[0] ?? [], args.strings, true, args.t);
