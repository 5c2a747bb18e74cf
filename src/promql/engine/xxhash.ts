/**
 * XXH64 (seed 0), the hash Prometheus uses for label sets
 * (github.com/cespare/xxhash, `labels.Labels.Hash()`). `limit_ratio` picks
 * series by `hash / 2^64`, so matching it makes our sampling pick the same
 * series as Prometheus does. Algorithm: xxHash spec, XXH64 section.
 *
 * BigInt keeps it short and exact; callers cache per series, so speed is not
 * a concern (a few microseconds per label set).
 */
import type { Labels } from "../../storage/index.js";

const MASK = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

function rotl(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & MASK;
}

function round(acc: bigint, input: bigint): bigint {
  return (rotl((acc + input * P2) & MASK, 31n) * P1) & MASK;
}

function mergeRound(acc: bigint, val: bigint): bigint {
  return (((acc ^ round(0n, val)) * P1) & MASK) + P4;
}

function read64(b: Uint8Array, i: number): bigint {
  const lo = (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
  const hi = (b[i + 4] | (b[i + 5] << 8) | (b[i + 6] << 16) | (b[i + 7] << 24)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function read32(b: Uint8Array, i: number): bigint {
  return BigInt((b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0);
}

/** XXH64 of `data` with seed 0, as an unsigned 64-bit BigInt. */
export function xxh64(data: Uint8Array): bigint {
  const n = data.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (P1 + P2) & MASK;
    let v2 = P2;
    let v3 = 0n;
    let v4 = -P1 & MASK;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, read64(data, i));
      v2 = round(v2, read64(data, i + 8));
      v3 = round(v3, read64(data, i + 16));
      v4 = round(v4, read64(data, i + 24));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & MASK;
    h = mergeRound(h, v1) & MASK;
    h = mergeRound(h, v2) & MASK;
    h = mergeRound(h, v3) & MASK;
    h = mergeRound(h, v4) & MASK;
  } else {
    h = P5;
  }
  h = (h + BigInt(n)) & MASK;
  for (; i + 8 <= n; i += 8) {
    h ^= round(0n, read64(data, i));
    h = (rotl(h, 27n) * P1 + P4) & MASK;
  }
  if (i + 4 <= n) {
    h ^= (read32(data, i) * P1) & MASK;
    h = (rotl(h, 23n) * P2 + P3) & MASK;
    i += 4;
  }
  for (; i < n; i++) {
    h ^= (BigInt(data[i]) * P5) & MASK;
    h = (rotl(h, 11n) * P1) & MASK;
  }
  h ^= h >> 33n;
  h = (h * P2) & MASK;
  h ^= h >> 29n;
  h = (h * P3) & MASK;
  h ^= h >> 32n;
  return h;
}

const utf8 = new TextEncoder();

/**
 * The bytes Prometheus hashes for `labels.Labels.Hash()` in its default
 * ("stringlabels") build: per label, name then value, each preceded by its
 * UTF-8 length as one byte (0-254) or as 255 plus three little-endian bytes.
 */
export function labelsHashBytes(labels: Labels): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const l of labels) {
    for (const s of [l.name, l.value]) {
      const b = utf8.encode(s);
      parts.push(b);
      size += b.length + (b.length < 255 ? 1 : 4);
    }
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (const b of parts) {
    if (b.length < 255) {
      out[o++] = b.length;
    } else {
      out[o++] = 255;
      out[o++] = b.length & 0xff;
      out[o++] = (b.length >> 8) & 0xff;
      out[o++] = (b.length >> 16) & 0xff;
    }
    out.set(b, o);
    o += b.length;
  }
  return out;
}

/** Prometheus's `labels.Labels.Hash()` (default build). */
export function labelsHash(labels: Labels): bigint {
  return xxh64(labelsHashBytes(labels));
}
