/**
 * `parseExpr`: PromQL text to the typed AST, with Prometheus's syntax and type
 * errors. The grammar is the Prometheus project's own lezer grammar
 * (@prometheus-io/lezer-promql); lexical errors come from lexical-scan.ts,
 * the tree from build.ts, the type checks from check.ts.
 */
import type { Tree } from "@lezer/common";
import { parser } from "@prometheus-io/lezer-promql";
import type { Expr } from "../ast.js";
import { ParseError } from "../values.js";
import { buildExpr } from "./build.js";
import { checkExpr } from "./check.js";
import { type BuildContext, isExprNode } from "./context.js";
import { scanLexicalErrors } from "./lexical-scan.js";
import { describeSyntaxError } from "./syntax-error.js";

/** Longest query accepted, in characters. */
export const MAX_QUERY_LENGTH = 256 * 1024;
/**
 * Deepest lezer tree accepted. Each level of the AST is one or two lezer
 * levels, so this allows some 500 levels of nesting; every later pass (build,
 * check, print, evaluate) recurses over the tree and must not overflow the stack.
 */
export const MAX_TREE_DEPTH = 1000;

export interface ParseOptions {
  /** Experimental functions, duration expressions, anchored/smoothed and fill modifiers. */
  readonly experimental?: boolean;
}

/**
 * Parses a PromQL expression. Throws ParseError (RD_PROMQL_PARSE, 400) with
 * the position of the first problem and Prometheus's message for it.
 */
export function parseExpr(query: string, opts: ParseOptions = {}): Expr {
  if (query.length > MAX_QUERY_LENGTH) {
    throw new ParseError(
      query,
      { start: MAX_QUERY_LENGTH, end: query.length },
      `query is too long: ${query.length} characters, at most ${MAX_QUERY_LENGTH} allowed`,
    );
  }
  if (isBlank(query)) {
    throw new ParseError(query, { start: 0, end: 0 }, "no expression found in input");
  }
  const ctx: BuildContext = { text: query, experimental: opts.experimental === true };
  const { tree, problem } = parseWithLezer(query);
  const lexical = scanLexicalErrors(query);
  if (lexical !== null && (problem === null || lexical.tokenStart <= problem.pos)) {
    throw new ParseError(query, { start: lexical.pos, end: query.length }, lexical.message);
  }
  if (problem?.kind === "depth") {
    throw new ParseError(
      query,
      { start: problem.pos, end: problem.pos },
      `query is nested too deeply (at most ${MAX_TREE_DEPTH / 2} levels allowed)`,
    );
  }
  if (problem !== null) {
    const s = describeSyntaxError(query, problem.pos);
    throw new ParseError(query, s.pos, s.message);
  }
  const top = tree.topNode.firstChild;
  if (top === null || !isExprNode(top)) {
    throw new ParseError(query, { start: 0, end: 0 }, "no expression found in input");
  }
  const expr = buildExpr(ctx, top);
  checkExpr(ctx, expr);
  return expr;
}

/** Whether the query holds nothing but spaces and `#` comments. */
function isBlank(query: string): boolean {
  return query.replace(/#[^\n]*/g, "").trim() === "";
}

/**
 * Parses with lezer. Its grammar knows `min_of`/`max_of` only inside
 * durations, not as the scalar functions they also are (`min_of(3, 5)`); where
 * the parse fails right after one, that name is swapped for the same-length
 * `vector` and the text parsed again (the name is read from the original).
 */
function parseWithLezer(query: string): { tree: Tree; problem: Problem | null } {
  let text = forLezer(query);
  let tree = parser.parse(text);
  let problem = firstProblem(tree);
  for (let tries = 0; problem?.kind === "error" && tries < 64; tries++) {
    const at = scalarMinMaxBefore(text, problem.pos);
    if (at < 0) break;
    text = `${text.slice(0, at)}vector${text.slice(at + "min_of".length)}`;
    tree = parser.parse(text);
    problem = firstProblem(tree);
  }
  return { tree, problem };
}

/** Where `min_of`/`max_of` starts when the parse failed at the `(` after it, else -1. */
function scalarMinMaxBefore(text: string, pos: number): number {
  let p = pos;
  while (p < text.length && /\s/.test(text[p])) p++;
  if (text[p] !== "(") return -1;
  let end = p;
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  const start = end - "min_of".length;
  const word = text.slice(start, end);
  if (word !== "min_of" && word !== "max_of") return -1;
  return start > 0 && /[\w:]/.test(text[start - 1]) ? -1 : start;
}

type Problem = { kind: "error" | "depth"; pos: number };

/** The first error node, or the first node beyond the depth bound, without recursion. */
function firstProblem(tree: Tree): Problem | null {
  let depth = 0;
  let found: Problem | null = null;
  tree.iterate({
    enter(n) {
      if (found !== null) return false;
      if (n.type.isError) {
        found = { kind: "error", pos: n.from };
        return false;
      }
      if (++depth > MAX_TREE_DEPTH) {
        found = { kind: "depth", pos: n.from };
        depth--;
        return false;
      }
      return true;
    },
    leave() {
      depth--;
    },
  });
  return found;
}

const DURATION_FUNCTIONS = /(?<![\w:])(?:step|range|min_of|max_of)(?=\s*\()/gi;
const HOLT_WINTERS = /(?<![\w:])holt_winters(?=\s*\()/g;
/** `1.` (a number ending in its point), which Go's lexer takes and the lezer grammar does not. */
const TRAILING_POINT = /(?<![\w.:])(\d+(?:_\d+)*)\.(?![\w.])/g;

/**
 * A same-length copy of the query that the lezer grammar reads as Prometheus
 * does: it knows `step()`/`range()`/`min_of()`/`max_of()` only in lower case
 * (Prometheus's lexer lower-cases them), and not `holt_winters` (kept in our
 * function table for 2.x rules), which reads as the same-length `day_of_month`
 * here, nor `1.`, read as `1 `. Names, numbers and strings are always taken
 * from the original text.
 */
function forLezer(query: string): string {
  return query
    .replace(DURATION_FUNCTIONS, (w) => w.toLowerCase())
    .replace(HOLT_WINTERS, "day_of_month")
    .replace(TRAILING_POINT, "$1 ");
}
