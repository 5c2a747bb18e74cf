import type { Command } from "commander";
import {
  formatConfigIssue,
  isConfigError,
  type LoadedConfig,
  loadConfigDir,
} from "../config/index.js";
import { formatDuration } from "../lib/duration.js";
import {
  buildRouteTree,
  intervalContains,
  matchRoutes,
  type NamedTimeInterval,
  type RouteNode,
} from "../notify/index.js";

/** Where `reddot test routes` writes. */
export interface TestRoutesOutput {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export interface TestRoutesOptions {
  readonly configDir: string;
  /** Expected receivers, in order; exit 1 when the result differs. */
  readonly verifyReceivers?: readonly string[];
  /** `name=value` arguments. */
  readonly labels: readonly string[];
  /** The time at which time intervals are evaluated. */
  readonly now: Date;
}

const LABEL_ARG_RE = /^([a-zA-Z_][a-zA-Z0-9_]*)=(.*)$/s;
const MAX_LABELS = 1000;

/** Parses `name=value` (value optionally double-quoted) arguments; returns an error text on bad syntax. */
export function parseLabelArgs(args: readonly string[]): Record<string, string> | string {
  if (args.length > MAX_LABELS) return `too many labels (${args.length}); at most ${MAX_LABELS}`;
  const labels: Record<string, string> = {};
  for (const arg of args) {
    const m = LABEL_ARG_RE.exec(arg);
    if (m === null) {
      return `bad label ${JSON.stringify(arg)}: want name=value, the name letters, digits and _ (e.g. severity=page)`;
    }
    const name = m[1] as string;
    let value = m[2] as string;
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        return `bad label ${JSON.stringify(arg)}: the quoted value is not a valid string`;
      }
    }
    if (name in labels) return `label ${name} is given twice`;
    labels[name] = value;
  }
  return labels;
}

function intervalsByName(
  config: NonNullable<LoadedConfig["notify"]>,
): Map<string, NamedTimeInterval> {
  return new Map(config.timeIntervals.map((t) => [t.name, t]));
}

/** Why the route does not notify at `now`, or undefined when it does. */
export function mutedBy(
  route: RouteNode,
  intervals: ReadonlyMap<string, NamedTimeInterval>,
  now: Date,
): string | undefined {
  for (const name of route.muteTimeIntervals) {
    const ti = intervals.get(name);
    if (ti !== undefined && intervalContains(ti, now)) return `mute_time_intervals: ${name}`;
  }
  if (route.activeTimeIntervals.length > 0) {
    const active = route.activeTimeIntervals.some((name) => {
      const ti = intervals.get(name);
      return ti !== undefined && intervalContains(ti, now);
    });
    if (!active) return `outside active_time_intervals: ${route.activeTimeIntervals.join(", ")}`;
  }
  return undefined;
}

/**
 * `reddot test routes`: the receivers an alert with the given labels reaches,
 * as `amtool config routes test`: first line the receivers, comma-separated;
 * then one block per matched route (id, group_by, timing, muted now or not).
 * Returns the exit code: 1 when the config is invalid, the labels are bad, or
 * --verify.receivers differs from the result.
 */
export async function runTestRoutes(
  opts: TestRoutesOptions,
  out: TestRoutesOutput,
): Promise<number> {
  const labels = parseLabelArgs(opts.labels);
  if (typeof labels === "string") {
    out.stderr.write(`reddot test routes: ${labels}\n`);
    return 1;
  }
  let config: LoadedConfig;
  try {
    config = await loadConfigDir(opts.configDir);
  } catch (e) {
    if (!isConfigError(e)) throw e;
    for (const issue of e.issues) out.stderr.write(`${formatConfigIssue(issue)}\n`);
    out.stderr.write("reddot test routes: the config has errors\n");
    return 1;
  }
  if (config.notify === undefined) {
    out.stderr.write(`reddot test routes: no notify.yaml in ${config.dir}\n`);
    return 1;
  }
  const routes = matchRoutes(buildRouteTree(config.notify.route), labels);
  const receivers = routes.map((r) => r.receiver);
  out.stdout.write(`${receivers.join(",")}\n`);
  const intervals = intervalsByName(config.notify);
  for (const r of routes) {
    const groupBy = r.groupBy === "all" ? "..." : [...r.groupBy].join(", ");
    const muted = mutedBy(r, intervals, opts.now);
    const lines = [
      `  receiver: ${r.receiver}`,
      `    route: ${r.id}`,
      `    group_by: [${groupBy}]`,
      `    group_wait: ${formatDuration(r.groupWaitMs)}, group_interval: ${formatDuration(r.groupIntervalMs)}, repeat_interval: ${formatDuration(r.repeatIntervalMs)}`,
      `    muted now: ${muted === undefined ? "no" : `yes (${muted})`}`,
    ];
    for (const line of lines) out.stdout.write(`${line}\n`);
  }
  if (opts.verifyReceivers !== undefined) {
    const want = opts.verifyReceivers.join(",");
    if (want !== receivers.join(",")) {
      out.stderr.write(
        `WARNING: expected receivers did not match resolved receivers: want ${want}, got ${receivers.join(",")}\n`,
      );
      return 1;
    }
  }
  return 0;
}

/** Registers `routes` on the `reddot test` group. */
export function registerTestRoutesCommand(test: Command): void {
  test
    .command("routes")
    .description(
      "print the receivers an alert with these labels reaches (like amtool config routes test); exit 1 when --verify.receivers differs",
    )
    .argument("[labels...]", "the alert's labels as name=value")
    .option("--config <dir>", "config repo directory holding notify.yaml", ".")
    .option("--verify.receivers <list>", "comma-separated receivers expected, in order")
    .action(async (labels: string[], opts: Record<string, string | undefined>) => {
      const verify = opts["verify.receivers"];
      process.exitCode = await runTestRoutes(
        {
          configDir: opts.config ?? ".",
          labels,
          now: new Date(),
          ...(verify === undefined
            ? {}
            : { verifyReceivers: verify.split(",").map((s) => s.trim()) }),
        },
        { stdout: process.stdout, stderr: process.stderr },
      );
    });
}
