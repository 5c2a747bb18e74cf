/**
 * Replacement templates (`$1`, `${1}`, `$name`, `${name}`, `$$`) with the
 * semantics of Go's `regexp.Expand`, which Prometheus relabeling uses:
 * - `$name` takes the longest run of letters, digits and `_`, so `$1x` means
 *   the group named "1x" (write `${1}x` for group 1 then "x");
 * - a name made only of ASCII digits (no leading zero) is a group number;
 * - an unknown or unmatched group expands to "";
 * - `$$` is a literal `$`; a `$` that starts no valid reference stays literal.
 */

/** A parsed template: literal text and group references, in order. */
export type Template = readonly (string | number | { readonly name: string })[];

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/** Parses a replacement template once, so each expansion is a plain walk. */
export function parseTemplate(text: string): Template {
  const parts: (string | number | { name: string })[] = [];
  let lit = "";
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf("$", i);
    if (dollar < 0) {
      lit += text.slice(i);
      break;
    }
    lit += text.slice(i, dollar);
    i = dollar + 1;
    if (text[i] === "$") {
      lit += "$";
      i++;
      continue;
    }
    const ref = extractRef(text, i);
    if (ref === null) {
      lit += "$";
      continue;
    }
    if (lit !== "") parts.push(lit);
    lit = "";
    parts.push(ref.ref);
    i = ref.next;
  }
  if (lit !== "") parts.push(lit);
  return parts;
}

function extractRef(
  text: string,
  i: number,
): { ref: number | { name: string }; next: number } | null {
  const brace = text[i] === "{";
  if (brace) i++;
  const start = i;
  while (i < text.length) {
    const cp = text.codePointAt(i) as number;
    const ch = String.fromCodePoint(cp);
    if (!NAME_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === start) return null;
  const name = text.slice(start, i);
  if (brace) {
    if (text[i] !== "}") return null;
    i++;
  }
  // Go caps group numbers below 1e8 and refuses leading zeros ("01" is a name).
  const isNumber = /^(0|[1-9][0-9]{0,7})$/.test(name);
  return { ref: isNumber ? Number(name) : { name }, next: i };
}

/** True when the template refers to at least one group. */
export function templateHasRefs(t: Template): boolean {
  return t.some((p) => typeof p !== "string");
}

/** Expands a parsed template against a match of the regex. */
export function expandTemplate(t: Template, m: RegExpExecArray): string {
  if (t.length === 1 && typeof t[0] === "string") return t[0];
  let out = "";
  for (const p of t) {
    if (typeof p === "string") out += p;
    else if (typeof p === "number") out += m[p] ?? "";
    else out += m.groups?.[p.name] ?? "";
  }
  return out;
}
