/**
 * Every expression of Prometheus's conformance scripts parses (with the
 * experimental features on, as the scripts assume), and printing it with
 * `exprToString` then parsing the text again gives the same tree: the
 * promqltest runner re-parses what the printer writes.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Expr } from "../ast.js";
import { upstreamTestdataDir } from "../promqltest/testdata-dir.js";
import { exprToString, parseExpr, prettyPrint } from "./index.js";

const TESTDATA = upstreamTestdataDir() ?? "../shared/promql/testdata (not found)";

const EVAL_INSTANT = /^eval(?:_\w+)?\s+instant\s+at\s+\S+\s+(.+)$/;
const EVAL_RANGE = /^eval(?:_\w+)?\s+range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+\s+(.+)$/;

function scriptQueries(): { file: string; line: number; query: string }[] {
  if (!existsSync(TESTDATA)) return [];
  const out: { file: string; line: number; query: string }[] = [];
  for (const file of readdirSync(TESTDATA).filter((f) => f.endsWith(".test"))) {
    const lines = readFileSync(join(TESTDATA, file), "utf8").split("\n");
    lines.forEach((raw, i) => {
      const l = raw.trim();
      const m = EVAL_INSTANT.exec(l) ?? EVAL_RANGE.exec(l);
      if (m !== null) out.push({ file, line: i + 1, query: m[1] });
    });
  }
  return out;
}

/**
 * The tree without positions, keys sorted, matchers as a sorted list of plain data. `sum by () (x)` and
 * `sum(x)` print alike in Prometheus, so an empty `by ()` counts as none.
 */
function shape(e: unknown): unknown {
  if (Array.isArray(e)) return e.map(shape);
  if (e === null || typeof e !== "object") return e;
  const o = e as Record<string, unknown>;
  if (typeof o.matches === "function") return { type: o.type, name: o.name, value: o.value };
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) {
    if (k === "pos") continue;
    out[k] = shape(o[k]);
  }
  // The printer sorts matchers, as Prometheus's does; their order means nothing.
  if (o.type === "VectorSelector") {
    out.matchers = (out.matchers as unknown[]).map((m) => JSON.stringify(m)).sort();
  }
  if (o.type === "AggregateExpr" && !o.without && (o.grouping as string[]).length === 0) {
    out.hasGrouping = false;
  }
  return out;
}

const queries = scriptQueries();

describe("conformance script expressions", () => {
  it("finds the scripts", () => {
    expect(queries.length).toBeGreaterThan(1000);
  });

  it("all parse, and print to text that parses to the same tree", () => {
    const failures: string[] = [];
    for (const { file, line, query } of queries) {
      let first: Expr;
      try {
        first = parseExpr(query, { experimental: true });
      } catch (e) {
        const message = (e as Error).message;
        failures.push(`${file}:${line} ${query}: ${message}`);
        continue;
      }
      const printed = exprToString(first);
      try {
        const again = parseExpr(printed, { experimental: true });
        if (JSON.stringify(shape(again)) !== JSON.stringify(shape(first))) {
          failures.push(`${file}:${line} ${query}: reprinted as ${printed}, a different tree`);
        }
        const pretty = parseExpr(prettyPrint(first), { experimental: true });
        if (JSON.stringify(shape(pretty)) !== JSON.stringify(shape(first))) {
          failures.push(`${file}:${line} ${query}: pretty-printed to a different tree`);
        }
      } catch (e) {
        failures.push(`${file}:${line} ${query}: reprinted as ${printed}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
