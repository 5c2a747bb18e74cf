/**
 * Vector selectors (`foo{a="b"}`, `{"my.metric", "a.b"=~"c"}`), their
 * matchers, and the label lists of `by (...)`/`on (...)`.
 */
import type { SyntaxNode } from "@lezer/common";
import { compileRe2 } from "../../lib/re2.js";
import { type Matcher, type MatchType, METRIC_NAME, newMatcher } from "../../storage/index.js";
import type { PosRange, StringLiteral, VectorSelector } from "../ast.js";
import { goQuote } from "../go-format.js";
import { type BuildContext, fail, kids, span, textOf } from "./context.js";
import { LiteralError, unquoteString } from "./literals.js";

const MATCH_OPS: Readonly<Record<string, MatchType>> = {
  EqlSingle: "=",
  Neq: "!=",
  EqlRegex: "=~",
  NeqRegex: "!~",
};

/**
 * A vector selector. As in Prometheus, `name` is set only by a name outside
 * the braces, and its `__name__` matcher comes after the written ones.
 */
export function buildVectorSelector(ctx: BuildContext, node: SyntaxNode): VectorSelector {
  const ident = node.getChild("Identifier");
  const name = ident === null ? "" : textOf(ctx, ident);
  const matchers: Matcher[] = [];
  const list = node.getChild("LabelMatchers");
  if (list !== null) {
    for (const m of kids(list)) matchers.push(buildMatcher(ctx, m));
  }
  if (name !== "") matchers.push(newMatcher("=", METRIC_NAME, name));
  return { type: "VectorSelector", name, matchers, pos: span(node) };
}

function buildMatcher(ctx: BuildContext, node: SyntaxNode): Matcher {
  if (node.type.name === "QuotedLabelName") {
    const value = unquoted(ctx, node);
    return newMatcher("=", METRIC_NAME, value);
  }
  const [nameNode, opNode, valueNode] = kids(node);
  const name =
    nameNode.type.name === "QuotedLabelName" ? unquoted(ctx, nameNode) : textOf(ctx, nameNode);
  const op = MATCH_OPS[opNode.firstChild?.type.name ?? ""];
  const value = unquoted(ctx, valueNode);
  const pos = { start: node.from, end: node.to };
  if (op === "=~" || op === "!~") {
    const compiled = compileRe2(value, { dotMatchesNewline: true });
    if (!compiled.ok) {
      fail(ctx, pos, `invalid regular expression ${goQuote(value)}: ${compiled.problem}`);
    }
  }
  return newMatcher(op, name, value);
}

/** The value of the string literal at or under `node`. */
export function unquoted(ctx: BuildContext, node: SyntaxNode): string {
  const lit = node.type.name === "StringLiteral" ? node : node.getChild("StringLiteral");
  const at = lit ?? node;
  try {
    return unquoteString(textOf(ctx, at));
  } catch (e) {
    if (e instanceof LiteralError) {
      fail(ctx, span(at), `error unquoting string ${goQuote(textOf(ctx, at))}: ${e.message}`);
    }
    throw e;
  }
}

/** A string literal expression. */
export function buildStringLiteral(ctx: BuildContext, node: SyntaxNode): StringLiteral {
  return { type: "StringLiteral", value: unquoted(ctx, node), pos: span(node) };
}

/** Whether a label name is acceptable to Prometheus 3 (any non-empty valid UTF-8). */
export function isValidLabelName(name: string): boolean {
  return name !== "" && !/[\uD800-\uDFFF]/u.test(name);
}

/** The labels of a `GroupingLabels` node (`(a, "b.c")`). */
export function buildGroupingLabels(ctx: BuildContext, node: SyntaxNode | null): string[] {
  if (node === null) return [];
  const out: string[] = [];
  for (const l of kids(node)) {
    if (l.type.name === "LabelName") {
      out.push(textOf(ctx, l));
      continue;
    }
    const value = unquoted(ctx, l);
    if (!isValidLabelName(value)) {
      fail(ctx, span(l), `invalid label name for grouping: ${goQuote(value)}`);
    }
    out.push(value);
  }
  return out;
}

/** The range of a node's first `[` to its end, for errors about a range selector. */
export function bracketRange(ctx: BuildContext, node: SyntaxNode, after: number): PosRange {
  const open = ctx.text.indexOf("[", after);
  return { start: open < 0 ? node.from : open, end: node.to };
}
