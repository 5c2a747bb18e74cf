/**
 * Alertmanager-style notification templates: the defaults plus user files
 * (alertmanager.yml `templates:`), rendered against notification data that
 * has Alertmanager's shape (`.Alerts.Firing`, `.CommonLabels.SortedPairs`,
 * `.StartsAt.Format "..."`).
 */

import { builtinFuncs } from "./builtins.js";
import { DEFAULT_TEMPLATES, DEFAULT_TEMPLATES_NAME } from "./default-templates.js";
import { TemplateError } from "./errors.js";
import { execute, type GoFunc } from "./exec.js";
import { alertmanagerFuncs, alertsOf, KV, type TemplateAlert } from "./funcs-alertmanager.js";
import { checkSize } from "./limits.js";
import { parse, type Trees } from "./parse.js";
import { GoTime, ZERO_TIME_MS } from "./values.js";

export interface NotificationAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** ms since the epoch. */
  startsAt: number;
  /** ms since the epoch; 0 = unset. */
  endsAt: number;
  generatorURL: string;
  fingerprint: string;
}

export interface NotificationData {
  receiver: string;
  status: "firing" | "resolved";
  alerts: NotificationAlert[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
}

export interface RenderOptions {
  /** html/template-style escaping of interpolated values (text context). */
  html?: boolean;
  /** Current time in ms (for `since`); defaults to Date.now(). */
  now?: () => number;
}

function funcs(now: () => number): Map<string, GoFunc> {
  const m = builtinFuncs();
  for (const [k, v] of alertmanagerFuncs(now)) m.set(k, v);
  return m;
}

const FUNC_NAMES: ReadonlySet<string> = new Set(funcs(() => 0).keys());

/** Render texts are parsed once and kept, up to this many. */
const MAX_CACHED_TEXTS = 256;

/** The data as Go templates see it (Alertmanager's template.Data). */
export function templateData(d: NotificationData): unknown {
  const alerts: TemplateAlert[] = d.alerts.map((a) => ({
    Status: a.status,
    Labels: KV.of(a.labels),
    Annotations: KV.of(a.annotations),
    StartsAt: new GoTime(a.startsAt),
    EndsAt: new GoTime(a.endsAt === 0 ? ZERO_TIME_MS : a.endsAt),
    GeneratorURL: a.generatorURL,
    Fingerprint: a.fingerprint,
  }));
  return {
    Receiver: d.receiver,
    Status: d.status,
    Alerts: alertsOf(alerts),
    GroupLabels: KV.of(d.groupLabels),
    CommonLabels: KV.of(d.commonLabels),
    CommonAnnotations: KV.of(d.commonAnnotations),
    ExternalURL: d.externalURL,
  };
}

export class NotificationTemplates {
  private readonly cache = new Map<string, Trees>();

  private constructor(private readonly trees: Trees) {}

  /** Parses the defaults, then each file in order (a later `define` replaces an earlier one). Throws TemplateError. */
  static parse(files: readonly { name: string; text: string }[]): NotificationTemplates {
    const all: Trees = new Map(parse(DEFAULT_TEMPLATES_NAME, DEFAULT_TEMPLATES, FUNC_NAMES));
    for (const f of files) {
      const tooBig = checkSize(f.name, f.text);
      if (tooBig) throw new TemplateError(tooBig);
      const trees = parse(f.name, f.text, FUNC_NAMES);
      for (const [k, v] of trees) {
        if (k === f.name) continue;
        all.set(k, v);
      }
    }
    return new NotificationTemplates(all);
  }

  /** Names of the defined templates, sorted. */
  names(): string[] {
    return [...this.trees.keys()].sort();
  }

  /** Renders a config field's text against `data`. Throws TemplateError. */
  render(text: string, data: NotificationData, opts: RenderOptions = {}): Promise<string> {
    return this.renderData(text, templateData(data), opts);
  }

  /** Renders against data already in Go's shape (see values.ts); for tests and callers with their own data. */
  async renderData(text: string, goData: unknown, opts: RenderOptions = {}): Promise<string> {
    let trees = this.cache.get(text);
    if (!trees) {
      const tooBig = checkSize("", text);
      if (tooBig) throw new TemplateError(tooBig);
      const own = parse("", text, FUNC_NAMES);
      trees = new Map(this.trees);
      for (const [k, v] of own) trees.set(k, v);
      if (this.cache.size >= MAX_CACHED_TEXTS) this.cache.clear();
      this.cache.set(text, trees);
    }
    return execute("", goData, {
      trees,
      funcs: funcs(opts.now ?? Date.now),
      html: opts.html === true,
    });
  }
}
