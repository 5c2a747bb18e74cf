import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type YAMLError,
} from "yaml";
import type { z } from "zod";
import type { ConfigIssue, KeyPath } from "./issues.js";
import { formatKeyPath } from "./issues.js";
import { knownKeysAt } from "./schema-keys.js";
import { unknownNameHint } from "./suggest.js";

/** A parsed YAML file of the config repo, kept with its positions for error messages. */
export interface YamlFile {
  /** Path relative to the config directory, `/`-separated. */
  readonly file: string;
  /** The document as plain data (`null` for an empty file), null map entries dropped. */
  readonly data: unknown;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** False when YAML errors other than duplicate keys leave the data unreliable. */
  readonly usable: boolean;
}

/** Where a message points: the key's value (usual) or the key itself (unknown keys). */
export type Target = "value" | "key";

/**
 * Parses YAML text (1.2 core schema, so `yes`/`no` stay strings). Syntax errors,
 * duplicate keys and warnings become issues with their line and column.
 */
export function parseYamlFile(
  file: string,
  text: string,
): { yaml: YamlFile; issues: ConfigIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const issues: ConfigIssue[] = [];
  const position = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: Math.max(1, p.line), column: Math.max(1, p.col) };
  };
  let usable = true;
  for (const err of doc.errors) {
    if (err.code !== "DUPLICATE_KEY") usable = false;
    const keyPath = err.code === "DUPLICATE_KEY" ? keyPathAt(doc.contents, err.pos[0]) : undefined;
    const key = keyPath === undefined ? "" : formatKeyPath(keyPath);
    const last = keyPath?.[keyPath.length - 1];
    const text2 = yamlErrorText(err, text);
    const message = last === undefined ? text2.message : `duplicate key "${last}"`;
    issues.push({ file, ...position(err.pos[0]), key, ...text2, message });
  }
  for (const warn of doc.warnings) {
    issues.push({ file, ...position(warn.pos[0]), key: "", ...yamlErrorText(warn, text) });
  }
  let data: unknown = null;
  if (usable) {
    try {
      data = dropNullEntries(doc.toJS({ maxAliasCount: 100 }));
    } catch (e) {
      // toJS throws on alias bombs and unresolvable aliases: input errors, not bugs.
      if (!(e instanceof Error)) throw e;
      usable = false;
      issues.push({ file, line: 1, column: 1, key: "", message: `cannot read YAML: ${e.message}` });
    }
  }
  return { yaml: { file, data, doc, lineCounter, usable }, issues };
}

function yamlErrorText(err: YAMLError, text: string): { message: string; hint?: string } {
  if (err.code === "DUPLICATE_KEY") {
    // err.pos marks the start of the repeated key; its text runs to the colon.
    const key = /^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^:\n]*)/.exec(text.slice(err.pos[0]))?.[1] ?? "";
    return {
      message: `duplicate key ${key.trim()}`, // refined by the caller when the node is found
      hint: "each key may appear once in a map; keep one",
    };
  }
  if (err.code === "TAB_AS_INDENT") {
    return { message: `YAML syntax: ${firstLine(err.message)}`, hint: "indent with spaces" };
  }
  return { message: `YAML syntax: ${firstLine(err.message)}` };
}

/** The key path of the map key that starts at `offset`, for duplicate-key messages. */
function keyPathAt(
  node: unknown,
  offset: number,
  path: (string | number)[] = [],
): KeyPath | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const name = keyText(pair.key);
      if (keyNode?.range?.[0] === offset) return [...path, name];
      const inner = keyPathAt(pair.value, offset, [...path, name]);
      if (inner !== undefined) return inner;
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const inner = keyPathAt(node.items[i], offset, [...path, i]);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

function firstLine(s: string): string {
  const i = s.indexOf("\n");
  return i < 0 ? s : s.slice(0, i);
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

/** The node at `path`, or the deepest existing ancestor when part of the path is absent. */
function locate(yaml: YamlFile, path: KeyPath, target: Target): Node | null {
  let node: unknown = yaml.doc.contents;
  let found: Node | null = (yaml.doc.contents as Node | null) ?? null;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(yaml.doc);
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(seg));
      if (pair === undefined) return found;
      const last = i === path.length - 1;
      if (last && target === "key") return (pair.key as Node | null) ?? found;
      // `key:` with no value has a null value node: point at the key instead.
      node = pair.value;
      found = ((pair.value ?? pair.key) as Node | null) ?? found;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (item === undefined) return found;
      node = item;
      found = item as Node;
    } else {
      return found;
    }
  }
  return found;
}

/** The 1-based line and column of the node at `path` (see `locate`). */
export function positionOf(
  yaml: YamlFile,
  path: KeyPath,
  target: Target = "value",
): { line: number; column: number } {
  const node = locate(yaml, path, target);
  const offset = node?.range?.[0] ?? 0;
  const p = yaml.lineCounter.linePos(offset);
  return { line: Math.max(1, p.line), column: Math.max(1, p.col) };
}

/** An issue at the node of `path` in `yaml`. */
export function issueAt(
  yaml: YamlFile,
  path: KeyPath,
  message: string,
  hint?: string,
  target: Target = "value",
): ConfigIssue {
  const issue: ConfigIssue = {
    file: yaml.file,
    ...positionOf(yaml, path, target),
    key: formatKeyPath(path),
    message,
  };
  return hint === undefined ? issue : { ...issue, hint };
}

/** Extra hints for keys Prometheus knows that this schema does not, keyed by the unknown key. */
export type UnsupportedKeyHints = Readonly<Record<string, string>>;

/**
 * Maps zod issues from parsing `data` at `prefix` in `yaml` to config issues:
 * each gets the position of its node, unknown keys get one issue each with a
 * did-you-mean hint drawn from `schema`'s keys at that place.
 */
export function zodIssuesToConfigIssues(
  yaml: YamlFile,
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  prefix: KeyPath = [],
  unsupported: UnsupportedKeyHints = {},
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const iss of issues) {
    const path = [...prefix, ...(iss.path as (string | number)[])];
    if (iss.code === "unrecognized_keys") {
      const known = knownKeysAt(schema, iss.path as (string | number)[]);
      for (const key of iss.keys) {
        const hint = unsupported[key] ?? unknownNameHint(key, known);
        out.push(issueAt(yaml, [...path, key], `unknown key "${key}"`, hint, "key"));
      }
      continue;
    }
    out.push(issueAt(yaml, path, iss.message, hintOf(iss), targetOf(iss)));
  }
  return out;
}

// A custom issue may ask to point at the key itself (a bad label name in a map).
function targetOf(iss: z.core.$ZodIssue): Target {
  if (iss.code !== "custom") return "value";
  return (iss.params as { target?: unknown } | undefined)?.target === "key" ? "key" : "value";
}

function hintOf(iss: z.core.$ZodIssue): string | undefined {
  if (iss.code === "custom") {
    const hint = (iss.params as { hint?: unknown } | undefined)?.hint;
    return typeof hint === "string" ? hint : undefined;
  }
  if (
    iss.code === "invalid_type" &&
    iss.expected === "string" &&
    (typeof iss.input === "number" || typeof iss.input === "boolean")
  ) {
    return `quote it to make it a string: "${String(iss.input)}"`;
  }
  return undefined;
}

/**
 * Drops map entries whose value is null, at any depth: `storage:` with every
 * key under it commented out means "defaults", as an absent key does (Go's
 * YAML decoder, and so Prometheus, reads such a key as unset too). Entries of
 * lists are kept, so `targets: [~]` is still reported.
 */
export function dropNullEntries(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(dropNullEntries);
  if (typeof data !== "object" || data === null) return data;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (v !== null) out[k] = dropNullEntries(v);
  return out;
}
