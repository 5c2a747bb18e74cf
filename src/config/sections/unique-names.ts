import type { KeyPath } from "../issues.js";
import { closestName } from "../suggest.js";
import { issueAt, positionOf, type YamlFile } from "../yaml-file.js";
import type { SectionContext } from "./section.js";

/**
 * Remembers where each name was first defined across a section's files and
 * reports a second definition at its `name` key, naming the first place.
 * Returns false for a duplicate.
 */
export function uniqueNames(what: string, dir: string) {
  const seen = new Map<string, string>();
  return (file: YamlFile, raw: unknown, at: KeyPath, ctx: SectionContext): boolean => {
    if (typeof raw !== "object" || raw === null || !("name" in raw)) return true;
    const name = raw.name;
    if (typeof name !== "string" || name === "") return true;
    const path = [...at, "name"];
    const first = seen.get(name);
    if (first === undefined) {
      const p = positionOf(file, path);
      seen.set(name, `${file.file}:${p.line}:${p.column}`);
      return true;
    }
    ctx.report(
      issueAt(
        file,
        path,
        `${what} "${name}" is already defined at ${first}`,
        `${what} names must be unique across all files in ${dir}/; rename or remove one`,
      ),
    );
    return false;
  };
}

/** A did-you-mean hint, else the known names when there are few, else `fallback`. */
export function referenceHint(name: string, known: ReadonlySet<string>, fallback: string): string {
  const close = closestName(name, [...known]);
  if (close !== undefined) return `did you mean "${close}"?`;
  if (known.size === 0 || known.size > 20) return fallback;
  return `known: ${[...known].join(", ")}; or ${fallback}`;
}
