/**
 * Prometheus's expansion of alert labels and annotations: the rule's text
 * after the prelude that defines `$labels`, `$externalLabels`,
 * `$externalURL` and `$value` (rules/alerting.go). The prelude has no
 * newline, so line numbers in errors are the user's; columns on line 1 count
 * the prelude, as in Prometheus.
 */

import { builtinFuncs } from "./builtins.js";
import { TemplateError } from "./errors.js";
import { execute, type GoFunc } from "./exec.js";
import { prometheusFuncs } from "./funcs-prometheus.js";
import { checkSize } from "./limits.js";
import { parse, type Trees } from "./parse.js";
import { ParseCache } from "./parse-cache.js";

export interface AlertTemplateData {
  labels: Record<string, string>;
  externalLabels: Record<string, string>;
  externalURL: string;
  value: number;
}

export interface QueryResultSample {
  labels: Record<string, string>;
  value: number;
}

export interface AlertTemplateOptions {
  query?: (expr: string) => Promise<QueryResultSample[]>;
  /** Evaluation time in ms since the epoch (`now` in templates); defaults to Date.now(). */
  now?: () => number;
}

export const ALERT_PRELUDE =
  "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}";

function alertFuncs(opts: AlertTemplateOptions, externalURL: string): Map<string, GoFunc> {
  const m = builtinFuncs();
  const nowMs = (opts.now ?? Date.now)();
  for (const [k, v] of prometheusFuncs({ query: opts.query, nowMs, externalURL })) m.set(k, v);
  return m;
}

const FUNC_NAMES: ReadonlySet<string> = new Set(alertFuncs({ now: () => 0 }, "").keys());

/**
 * Parsed templates by name and text: rule annotations are expanded for every
 * alert at every evaluation, from a few thousand distinct texts at most.
 */
const parsed = new ParseCache({ maxEntries: 10_000, maxChars: 4 * 1024 * 1024 });

/** Parses `text` (prelude included, size already checked) once while it stays cached. */
function parseCached(name: string, text: string): Trees {
  return parsed.get(name, text, () => parse(name, text, FUNC_NAMES));
}

function parseAlert(name: string, text: string): Trees {
  const tooBig = checkSize(name, text);
  if (tooBig) throw new TemplateError(tooBig);
  return parseCached(name, ALERT_PRELUDE + text);
}

/** Parse check for rule-file validation: undefined when fine, else Go's message (`template: NAME:LINE: ...`). */
export function checkAlertTemplate(name: string, text: string): string | undefined {
  try {
    parseAlert(name, text);
    return undefined;
  } catch (e) {
    if (e instanceof TemplateError) return e.message;
    throw e;
  }
}

/**
 * Prometheus's Expander.Expand for any Go-shaped data: throws TemplateError
 * whose message is Prometheus's (`error parsing template NAME: ...`,
 * `error executing template NAME: ...`).
 */
export async function expandGoTemplate(
  name: string,
  text: string,
  data: unknown,
  opts: AlertTemplateOptions & { externalURL?: string; html?: boolean } = {},
): Promise<string> {
  let trees: Trees;
  try {
    const tooBig = checkSize(name, text);
    if (tooBig) throw new TemplateError(tooBig);
    trees = parseCached(name, text);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    throw new TemplateError(`error parsing template ${name}: ${e.message}`);
  }
  try {
    const funcs = alertFuncs(opts, opts.externalURL ?? "");
    return await execute(name, data, { trees, funcs, html: opts.html });
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    throw new TemplateError(`error executing template ${name}: ${e.message}`);
  }
}

/**
 * Expands `text` as Prometheus does for alert labels and annotations. `name`
 * is the template's name in messages (Prometheus uses `__alert_<alertname>`).
 * On error returns `<error expanding template: ...>` as Prometheus does.
 */
export async function expandAlertTemplate(
  name: string,
  text: string,
  data: AlertTemplateData,
  opts: AlertTemplateOptions = {},
): Promise<string> {
  const tooBig = checkSize(name, text);
  if (tooBig) return `<error expanding template: ${tooBig}>`;
  const goData = {
    Labels: new Map(Object.entries(data.labels)),
    ExternalLabels: new Map(Object.entries(data.externalLabels)),
    ExternalURL: data.externalURL,
    Value: data.value,
  };
  try {
    return await expandGoTemplate(name, ALERT_PRELUDE + text, goData, {
      ...opts,
      externalURL: data.externalURL,
    });
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    return `<error expanding template: ${e.message}>`;
  }
}
