/**
 * Go's regexp.Expand, the replacement syntax of label_replace: `$1`, `${1}`,
 * `$name`, `${name}`, `$$` for a literal `$`. A name is the longest run of
 * letters, digits and `_` (so `$1x` is the group named "1x", usually empty);
 * groups that do not exist or did not take part expand to nothing; a `$` not
 * followed by a valid reference stays as is.
 */

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

interface Reference {
  readonly name: string;
  /** Index into the template just after the reference. */
  readonly next: number;
}

/** Reads the reference after the `$` at `i - 1`; undefined when malformed. */
function readReference(template: string, i: number): Reference | undefined {
  const brace = template[i] === "{";
  let j = brace ? i + 1 : i;
  const start = j;
  while (j < template.length) {
    const cp = template.codePointAt(j) as number;
    const ch = String.fromCodePoint(cp);
    if (!NAME_CHAR.test(ch)) break;
    j += ch.length;
  }
  if (j === start) return undefined;
  const name = template.slice(start, j);
  if (brace) {
    if (template[j] !== "}") return undefined;
    j++;
  }
  return { name, next: j };
}

/** Group number of an all-ASCII-digit name without a leading zero, else -1. */
function groupNumber(name: string): number {
  if (!/^[0-9]+$/.test(name) || name.length > 8) return -1;
  if (name.length > 1 && name[0] === "0") return -1;
  return Number(name);
}

export function expandTemplate(template: string, m: RegExpExecArray): string {
  let out = "";
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf("$", i);
    if (dollar < 0) break;
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === "$") {
      out += "$";
      i++;
      continue;
    }
    const ref = readReference(template, i);
    if (ref === undefined) {
      out += "$";
      continue;
    }
    i = ref.next;
    const num = groupNumber(ref.name);
    const value = num >= 0 ? m[num] : m.groups?.[ref.name];
    if (value !== undefined) out += value;
  }
  return out + template.slice(i);
}
