import type { NotifyRoute } from "../config/index.js";
import { type Matcher, matcherToString, matchesLabels } from "./matchers.js";

/** One node of the routing tree, with Alertmanager's inherited defaults applied. */
export interface RouteNode {
  /**
   * Stable id, as Alertmanager's Route.ID(): the route's key followed by its
   * index among its siblings: `{}/{severity="page"}/0`,
   * `{}/{service="db"}/{owner="x"}/1`; the root's is `{}`.
   */
  readonly id: string;
  /** Alertmanager's Route.Key() (the id without indexes), the prefix of group keys. */
  readonly key: string;
  readonly receiver: string;
  /** Label names to group by, or "all" for `group_by: ['...']`. */
  readonly groupBy: ReadonlySet<string> | "all";
  readonly continue: boolean;
  readonly matchers: readonly Matcher[];
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
  readonly routes: readonly RouteNode[];
  /** The parent route; undefined for the root. */
  readonly parent?: RouteNode;
}

function compareMatchers(a: Matcher, b: Matcher): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.type !== b.type) return a.type < b.type ? -1 : 1;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/** Alertmanager's Matchers.String(): sorted, comma-joined, in braces. */
function matchersKey(ms: readonly Matcher[]): string {
  return `{${ms.map(matcherToString).join(",")}}`;
}

/** Builds the route tree from the config's root route (defaults already inherited by the config). */
export function buildRouteTree(root: NotifyRoute): RouteNode {
  return build(root, undefined, undefined);
}

function build(
  r: NotifyRoute,
  parent: RouteNode | undefined,
  index: number | undefined,
): RouteNode {
  const matchers = [...r.matchers].sort(compareMatchers);
  const own = matchersKey(matchers);
  const key = parent === undefined ? own : `${parent.key}/${own}`;
  const id = parent === undefined ? own : `${key}/${index}`;
  const node: RouteNode & { routes: RouteNode[] } = {
    id,
    key,
    receiver: r.receiver,
    groupBy: r.groupBy === "all" ? "all" : new Set(r.groupBy),
    continue: r.continue,
    matchers,
    groupWaitMs: r.groupWaitMs,
    groupIntervalMs: r.groupIntervalMs,
    repeatIntervalMs: r.repeatIntervalMs,
    muteTimeIntervals: r.muteTimeIntervals,
    activeTimeIntervals: r.activeTimeIntervals,
    routes: [],
    ...(parent === undefined ? {} : { parent }),
  };
  r.routes.forEach((child, i) => {
    node.routes.push(build(child, node, i));
  });
  return node;
}

/**
 * The routes an alert with `labels` goes to, as Alertmanager's Route.Match:
 * depth first; among siblings the first match wins unless it has `continue`;
 * a matching route none of whose children match is itself the result. The
 * root has no matchers, so it catches what nothing else does.
 */
export function matchRoutes(
  root: RouteNode,
  labels: Readonly<Record<string, string>>,
): RouteNode[] {
  return match(root, labels) ?? [];
}

function match(r: RouteNode, labels: Readonly<Record<string, string>>): RouteNode[] | undefined {
  if (!matchesLabels(r.matchers, labels)) return undefined;
  const all: RouteNode[] = [];
  for (const child of r.routes) {
    const found = match(child, labels);
    if (found !== undefined) {
      all.push(...found);
      if (!child.continue) break;
    }
  }
  return all.length === 0 ? [r] : all;
}

/** The labels an alert is grouped by on `route`: those of group_by it has, or all of them. */
export function groupLabels(
  route: RouteNode,
  labels: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) {
    if (route.groupBy === "all" || route.groupBy.has(name)) out[name] = value;
  }
  return out;
}

/** Prometheus' LabelSet.String(): `{a="1", b="2"}`, sorted by name. */
export function labelSetString(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort();
  return `{${names.map((n) => `${n}=${JSON.stringify(labels[n])}`).join(", ")}}`;
}

/** The aggregation group of an alert on a route, as Alertmanager: `<route key>:<group labels>`. */
export function groupKey(route: RouteNode, labels: Readonly<Record<string, string>>): string {
  return `${route.key}:${labelSetString(groupLabels(route, labels))}`;
}

/** Every node of the tree, depth first, root first. */
export function walkRoutes(root: RouteNode): RouteNode[] {
  const out: RouteNode[] = [root];
  for (const child of root.routes) out.push(...walkRoutes(child));
  return out;
}
