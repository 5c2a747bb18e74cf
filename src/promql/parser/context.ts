/**
 * What every step of building the syntax tree shares: the query text, the
 * feature switch, and how to fail. Errors are thrown at the first problem, in
 * the order Prometheus's parser would record them (it reports only its first).
 */
import type { SyntaxNode } from "@lezer/common";
import type { Expr, PosRange } from "../ast.js";
import { ParseError } from "../values.js";

export interface BuildContext {
  /** The query as the user wrote it (lezer parsed a same-length normalised copy). */
  readonly text: string;
  /** Experimental functions, duration expressions, anchored/smoothed, fill modifiers. */
  readonly experimental: boolean;
}

/** Throws a ParseError at `pos`. */
export function fail(ctx: BuildContext, pos: PosRange, message: string): never {
  throw new ParseError(ctx.text, pos, message);
}

/** The children of a lezer node, in order. */
export function kids(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c !== null; c = c.nextSibling) out.push(c);
  return out;
}

/** The node's range. */
export function span(node: SyntaxNode): PosRange {
  return { start: node.from, end: node.to };
}

/** The original text a node covers. */
export function textOf(ctx: BuildContext, node: SyntaxNode): string {
  return ctx.text.slice(node.from, node.to);
}

/** Whether a lezer node is one of the grammar's expressions (`@isGroup=Expr`). */
export function isExprNode(node: SyntaxNode): boolean {
  return node.type.is("Expr");
}

/** An AST node whose fields the builder may still set (the public AST is read-only). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Casts a freshly built node for in-place completion; only the builder does this. */
export function mutable<T extends Expr>(e: T): Mutable<T> {
  return e as Mutable<T>;
}
