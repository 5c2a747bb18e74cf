/**
 * Targets of one scrape config, labelled as Prometheus does it
 * (scrape/target.go, PopulateLabels and Target.URL; the "relabel_config"
 * section of the configuration docs):
 * 1. each static target gets `__address__`, then its group's labels;
 * 2. `job`, `__scrape_interval__`, `__scrape_timeout__`, `__metrics_path__`,
 *    `__scheme__` are added when absent, and `__param_<name>` (first value) for
 *    each configured URL parameter;
 * 3. relabel_configs run; a dropped target is listed as dropped;
 * 4. the URL is built from `__scheme__`, `__address__`, `__metrics_path__` and
 *    the params, with `__param_*` labels overriding the first value of each;
 *    interval and timeout come from their (possibly relabeled) labels;
 * 5. every `__`-prefixed label is removed from the target's labels and
 *    `instance` defaults to `__address__`.
 * Like Prometheus 3, no default port is added to an address without one.
 */
import { formatDuration, parseDuration } from "../lib/duration.js";
import { ReddotError } from "../lib/errors.js";
import { getLabel, type Label, type Labels, labelsFromPairs, labelsKey } from "../storage/index.js";
import { compileRelabel } from "./relabel.js";
import type { ScrapeConfig } from "./types.js";

/** One target to scrape, fully resolved. */
export interface Target {
  /** The job name (Prometheus calls this the scrape pool). */
  readonly scrapePool: string;
  /** Labels added to every scraped series: no `__` labels, `instance` set. */
  readonly labels: Labels;
  /** The labels before relabeling (for the status API). */
  readonly discoveredLabels: Labels;
  readonly url: string;
  /** Milliseconds. */
  readonly interval: number;
  /** Milliseconds. */
  readonly timeout: number;
  /** Identity within the manager: pool, URL and labels. */
  readonly key: string;
}

/** Result of resolving one scrape config. */
export interface ResolvedTargets {
  readonly active: Target[];
  /** Discovered labels of targets that relabel_configs dropped. */
  readonly dropped: Labels[];
  /** Targets that could not be built (no address, bad interval...), one error each. */
  readonly errors: ReddotError[];
}

const PARAM_PREFIX = "__param_";

/** Resolves the static targets of `config`; throws only for invalid relabel configs. */
export function resolveTargets(config: ScrapeConfig): ResolvedTargets {
  const rules = compileRelabel(config.relabelConfigs, `${config.jobName}: relabel_configs`);
  const active: Target[] = [];
  const dropped: Labels[] = [];
  const errors: ReddotError[] = [];
  const seen = new Set<string>();
  config.staticConfigs.forEach((group, g) => {
    for (const address of group.targets) {
      const discovered = discoveredLabels(config, address, group.labels);
      const relabeled = rules.apply(discovered);
      if (relabeled === null) {
        dropped.push(discovered);
        continue;
      }
      const where = `${config.jobName}: static_configs[${g}] target "${address}"`;
      try {
        const t = finishTarget(config, relabeled, discovered, where);
        // Two entries resolving to the same target are one target, as in Prometheus.
        if (seen.has(t.key)) continue;
        seen.add(t.key);
        active.push(t);
      } catch (e) {
        if (!(e instanceof ReddotError)) throw e;
        errors.push(e);
      }
    }
  });
  return { active, dropped, errors };
}

function discoveredLabels(
  config: ScrapeConfig,
  address: string,
  groupLabels: Record<string, string>,
): Labels {
  const pairs: Label[] = [{ name: "__address__", value: address }];
  for (const [name, value] of Object.entries(groupLabels)) {
    if (name !== "__address__") pairs.push({ name, value });
  }
  const defaults: [string, string][] = [
    ["job", config.jobName],
    ["__scrape_interval__", formatDuration(config.scrapeInterval)],
    ["__scrape_timeout__", formatDuration(config.scrapeTimeout)],
    ["__metrics_path__", config.metricsPath],
    ["__scheme__", config.scheme],
  ];
  const has = new Set(pairs.filter((p) => p.value !== "").map((p) => p.name));
  for (const [name, value] of defaults) if (!has.has(name)) pairs.push({ name, value });
  for (const [name, values] of Object.entries(config.params)) {
    if (values.length > 0) pairs.push({ name: PARAM_PREFIX + name, value: values[0] });
  }
  return labelsFromPairs(pairs);
}

function finishTarget(
  config: ScrapeConfig,
  lset: Labels,
  discovered: Labels,
  where: string,
): Target {
  const bad = (msg: string) => new ReddotError("RD_BAD_SCRAPE_TARGET", 400, `${where}: ${msg}`);
  const address = getLabel(lset, "__address__");
  if (address === "") throw bad("no __address__ after relabeling");
  if (address.includes("/")) throw bad(`"${address}" is not a valid host:port`);
  const scheme = getLabel(lset, "__scheme__");
  if (scheme !== "http" && scheme !== "https")
    throw bad(`invalid scheme "${scheme}"; want http or https`);
  const interval = parseDuration(
    getLabel(lset, "__scrape_interval__"),
    `${where}: __scrape_interval__`,
  );
  const timeout = parseDuration(
    getLabel(lset, "__scrape_timeout__"),
    `${where}: __scrape_timeout__`,
  );
  if (interval <= 0) throw bad("scrape interval cannot be 0");
  if (timeout <= 0) throw bad("scrape timeout cannot be 0");
  if (timeout > interval) {
    throw bad(
      `scrape timeout cannot be greater than scrape interval (${formatDuration(timeout)} > ${formatDuration(interval)})`,
    );
  }
  const url = targetUrl(config.params, lset, scheme, address);
  const pairs: Label[] = lset.filter((l) => !l.name.startsWith("__"));
  if (getLabel(lset, "instance") === "") pairs.push({ name: "instance", value: address });
  const labels = labelsFromPairs(pairs);
  return {
    scrapePool: config.jobName,
    labels,
    discoveredLabels: discovered,
    url,
    interval,
    timeout,
    key: `${config.jobName}\xff${url}\xff${labelsKey(labels)}`,
  };
}

function targetUrl(
  params: Record<string, string[]>,
  lset: Labels,
  scheme: string,
  address: string,
): string {
  const merged = new Map<string, string[]>();
  for (const [k, v] of Object.entries(params)) merged.set(k, [...v]);
  for (const l of lset) {
    if (!l.name.startsWith(PARAM_PREFIX)) continue;
    const k = l.name.slice(PARAM_PREFIX.length);
    const v = merged.get(k);
    if (v !== undefined && v.length > 0) v[0] = l.value;
    else merged.set(k, [l.value]);
  }
  // Keys sorted, as Go's url.Values.Encode writes them.
  const query = new URLSearchParams();
  for (const k of [...merged.keys()].sort())
    for (const v of merged.get(k) ?? []) query.append(k, v);
  const path = getLabel(lset, "__metrics_path__");
  const qs = query.toString();
  return `${scheme}://${address}${path.startsWith("/") || path === "" ? "" : "/"}${path}${qs === "" ? "" : `?${qs}`}`;
}
