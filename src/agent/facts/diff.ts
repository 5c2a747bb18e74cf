/**
 * Differences between two fact documents, by dotted path. Objects are walked
 * down to their leaves (strings, numbers, booleans, null, arrays); arrays are
 * compared as whole values (a mount added to `mounts` changes `mounts`).
 * Under `packages` and `services` each entry is one leaf
 * (`packages.openssl` → `{version, arch}`), so an upgrade is one change.
 * Keys are joined with `.` as they are, so a key that itself holds a dot
 * (`packages.libgtk-3.0`) is read up to the first level below the section.
 */
import type { FactChange, Facts } from "../types.js";

/** Sections whose direct children are compared whole. */
const ENTRY_SECTIONS = new Set(["packages", "services"]);

/** The changes from `before` to `after`, sorted by path. */
export function diffFacts(before: Facts, after: Facts): FactChange[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  flatten(before, "", a);
  flatten(after, "", b);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: FactChange[] = [];
  for (const p of paths) {
    const inA = a.has(p);
    const inB = b.has(p);
    if (inA && !inB) out.push({ path: p, before: a.get(p) });
    else if (!inA && inB) out.push({ path: p, after: b.get(p) });
    else if (canonical(a.get(p)) !== canonical(b.get(p))) {
      out.push({ path: p, before: a.get(p), after: b.get(p) });
    }
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function flatten(v: Readonly<Record<string, unknown>>, prefix: string, out: Map<string, unknown>) {
  for (const [k, child] of Object.entries(v)) {
    if (child === undefined) continue; // not representable in JSON: as if absent
    const p = prefix === "" ? k : `${prefix}.${k}`;
    if (isPlainObject(child)) {
      if (prefix === "" && ENTRY_SECTIONS.has(k)) {
        for (const [name, entry] of Object.entries(child)) {
          if (entry !== undefined) out.set(`${p}.${name}`, entry);
        }
      } else {
        flatten(child, p, out);
      }
    } else {
      out.set(p, child);
    }
  }
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (!isPlainObject(x)) return x;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(x).sort()) sorted[k] = x[k];
    return sorted;
  });
}
