/**
 * Relabeling with the semantics of Prometheus `model/relabel/relabel.go`
 * (the `relabel_config` section of the Prometheus configuration docs):
 * source label values joined by `separator`, matched against an anchored
 * regex, then one of the actions below. Pure: no I/O, no shared state.
 *
 * Label names produced by `replace` and `labelmap` must be valid legacy
 * Prometheus names (`[a-zA-Z_][a-zA-Z0-9_]*`); an invalid name leaves the set
 * unchanged, as Prometheus does for `replace`. Setting a label to "" deletes it.
 */
import { createHash } from "node:crypto";
import { ReddotError } from "../lib/errors.js";
import { expandTemplate, parseTemplate, type Template, templateHasRefs } from "../lib/go-expand.js";
import { compileRe2 } from "../lib/re2.js";
import type { Label, Labels } from "../storage/index.js";
import type { RelabelConfig } from "./types.js";

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** What Prometheus accepts as a `replace` target or `labelmap` replacement template. */
const TARGET_TEMPLATE = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

/** True when `name` is a valid (legacy, ASCII) Prometheus label name. */
export function isValidLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
}

interface Step {
  readonly action: RelabelConfig["action"];
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  readonly regex: RegExp;
  readonly modulus: bigint;
  readonly targetLabel: string;
  readonly target: Template;
  readonly replacement: Template;
}

/** Relabel configs compiled once (regexes, templates); apply to many label sets. */
export interface CompiledRelabel {
  /** Number of steps; 0 means `apply` returns its input unchanged. */
  readonly length: number;
  /** Relabels `labels`; null when a keep/drop step dropped the set. */
  apply(labels: Labels): Labels | null;
}

/**
 * Validates and compiles relabel configs. Throws RD_BAD_RELABEL (or
 * RD_BAD_RELABEL_REGEX) naming the step, with the checks Prometheus makes when
 * it loads a config (`Config.Validate` in model/relabel).
 */
export function compileRelabel(
  configs: readonly RelabelConfig[],
  what = "relabel_configs",
): CompiledRelabel {
  const steps = configs.map((c, i) => compileStep(c, `${what}[${i}]`));
  return { length: steps.length, apply: (labels) => applySteps(labels, steps) };
}

const compiled = new WeakMap<readonly RelabelConfig[], CompiledRelabel>();

/**
 * Applies relabel configs in order. Returns the new label set (the input
 * itself when nothing changed), or null when the set was dropped. Compiled
 * forms are cached per configs array; prefer `compileRelabel` on hot paths.
 */
export function relabel(labels: Labels, configs: readonly RelabelConfig[]): Labels | null {
  let c = compiled.get(configs);
  if (c === undefined) {
    c = compileRelabel(configs);
    compiled.set(configs, c);
  }
  return c.apply(labels);
}

/**
 * Compiles a relabel regex (Go RE2 syntax) as Prometheus does (model/relabel
 * NewRegexp, `^(?s:re)$`): anchored at both ends, `.` matches `\n` too. Throws
 * RD_BAD_RELABEL_REGEX naming `what` and the source.
 */
export function compileRelabelRegex(source: string, what = "regex"): RegExp {
  const r = compileRe2(source, { dotMatchesNewline: true });
  if (r.ok) return r.regex;
  throw new ReddotError(
    "RD_BAD_RELABEL_REGEX",
    400,
    `${what}: cannot compile "${source}": ${r.problem}`,
    r.cause === undefined ? undefined : { cause: r.cause },
  );
}

function bad(what: string, message: string): ReddotError {
  return new ReddotError("RD_BAD_RELABEL", 400, `${what}: ${message}`);
}

function compileStep(c: RelabelConfig, what: string): Step {
  const needsTarget = ["replace", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal"];
  const target = c.targetLabel ?? "";
  if (needsTarget.includes(c.action) && target === "") {
    throw bad(what, `action ${c.action} requires target_label`);
  }
  if (
    c.action === "replace" &&
    !(target.includes("$") ? TARGET_TEMPLATE : LABEL_NAME).test(target)
  ) {
    throw bad(what, `"${target}" is not a valid target_label for action replace`);
  }
  if (needsTarget.includes(c.action) && c.action !== "replace" && !LABEL_NAME.test(target)) {
    throw bad(what, `"${target}" is not a valid target_label for action ${c.action}`);
  }
  if (c.action === "labelmap" && !TARGET_TEMPLATE.test(c.replacement)) {
    throw bad(what, `"${c.replacement}" is not a valid replacement for action labelmap`);
  }
  let modulus = 0n;
  if (c.action === "hashmod") {
    if (c.modulus === undefined || !Number.isSafeInteger(c.modulus) || c.modulus <= 0) {
      throw bad(what, `action hashmod requires a positive integer modulus; got ${c.modulus}`);
    }
    modulus = BigInt(c.modulus);
  }
  return {
    action: c.action,
    sourceLabels: c.sourceLabels,
    separator: c.separator,
    regex: compileRelabelRegex(c.regex, `${what}.regex`),
    modulus,
    targetLabel: target,
    target: parseTemplate(target),
    replacement: parseTemplate(c.replacement),
  };
}

/**
 * A label set under construction. Reads go to the input until the first
 * write, so steps that only test (keep, drop) cost no copy.
 */
class Builder {
  private map: Map<string, string> | null = null;
  constructor(private readonly base: Labels) {}

  get(name: string): string {
    if (this.map !== null) return this.map.get(name) ?? "";
    for (const l of this.base) if (l.name === name) return l.value;
    return "";
  }

  set(name: string, value: string): void {
    if (this.map === null) {
      if (this.get(name) === value) return;
      this.map = new Map(this.base.map((l) => [l.name, l.value]));
    }
    if (value === "") this.map.delete(name);
    else this.map.set(name, value);
  }

  /** A snapshot of the current names and values (later writes do not affect it). */
  entries(): [string, string][] {
    return this.map !== null ? [...this.map] : this.base.map((l) => [l.name, l.value]);
  }

  labels(): Labels {
    if (this.map === null) return this.base;
    const out: Label[] = [];
    for (const [name, value] of this.map) out.push({ name, value });
    out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return out;
  }
}

function applySteps(labels: Labels, steps: readonly Step[]): Labels | null {
  if (steps.length === 0) return labels;
  const b = new Builder(labels);
  for (const s of steps) {
    if (!applyStep(b, s)) return null;
  }
  return b.labels();
}

function sourceValue(b: Builder, s: Step): string {
  if (s.sourceLabels.length === 1) return b.get(s.sourceLabels[0]);
  let v = "";
  for (let i = 0; i < s.sourceLabels.length; i++) {
    if (i > 0) v += s.separator;
    v += b.get(s.sourceLabels[i]);
  }
  return v;
}

/** Applies one step; false when the label set is dropped. */
function applyStep(b: Builder, s: Step): boolean {
  const val = sourceValue(b, s);
  switch (s.action) {
    case "keep":
      return s.regex.test(val);
    case "drop":
      return !s.regex.test(val);
    case "keepequal":
      return b.get(s.targetLabel) === val;
    case "dropequal":
      return b.get(s.targetLabel) !== val;
    case "replace": {
      const m = s.regex.exec(val);
      if (m === null) return true;
      const target = templateHasRefs(s.target) ? expandTemplate(s.target, m) : s.targetLabel;
      if (!LABEL_NAME.test(target)) return true;
      b.set(target, expandTemplate(s.replacement, m));
      return true;
    }
    case "lowercase":
      b.set(s.targetLabel, val.toLowerCase());
      return true;
    case "uppercase":
      b.set(s.targetLabel, val.toUpperCase());
      return true;
    case "hashmod":
      b.set(s.targetLabel, hashMod(val, s.modulus).toString());
      return true;
    case "labelmap":
      for (const [name, value] of b.entries()) {
        const m = s.regex.exec(name);
        if (m === null) continue;
        const to = expandTemplate(s.replacement, m);
        if (LABEL_NAME.test(to)) b.set(to, value);
      }
      return true;
    case "labeldrop":
      for (const [name] of b.entries()) if (s.regex.test(name)) b.set(name, "");
      return true;
    case "labelkeep":
      for (const [name] of b.entries()) if (!s.regex.test(name)) b.set(name, "");
      return true;
  }
}

/**
 * The hashmod value: MD5 of the joined source values, of which Prometheus
 * keeps the last 8 bytes read as a big-endian uint64 (model/relabel, HashMod),
 * modulo the modulus.
 */
export function hashMod(value: string, modulus: bigint): bigint {
  const digest = createHash("md5").update(value, "utf8").digest();
  return digest.readBigUInt64BE(8) % modulus;
}
