import { z } from "zod";
import { isReddotError } from "../lib/errors.js";
import { type Matcher, parseMatcherList } from "../notify/index.js";
import { matcherStringField } from "./notify-schema.js";

/*
 * `maintenance/*.yaml`: planned maintenance windows. While a window is open,
 * notifications for alerts its matchers select are held back (as silences
 * are in Alertmanager). Names are unique across all files.
 */

/** One maintenance window, parsed. Times are ms since the epoch. */
export interface MaintenanceWindow {
  readonly name: string;
  readonly matchers: readonly Matcher[];
  /** The matchers as written, for display. */
  readonly matcherTexts: readonly string[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly reason: string;
  readonly author?: string;
  /** The file it came from, relative to the config directory. */
  readonly file: string;
}

const RFC3339_RE = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

const timeField = z.union([z.string(), z.date()]).transform((v, ctx) => {
  // YAML 1.2 core schema keeps timestamps as strings; a Date is accepted too.
  const text = v instanceof Date ? v.toISOString() : v;
  const ms = RFC3339_RE.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({
      code: "custom",
      input: v,
      message: `"${text}" is not an RFC 3339 time`,
      params: {
        hint: "write date, time and offset: 2026-03-01T22:00:00Z or 2026-03-01T23:00:00+01:00",
      },
    });
    return z.NEVER;
  }
  return ms;
});

const matcherField = matcherStringField(
  'Alertmanager matcher syntax: host="db1", service=~"api|web"',
);

/** One window as written. */
export const maintenanceWindowSchema = z
  .strictObject({
    name: z.string().min(1).max(200).describe("Unique name of the window"),
    matchers: z
      .array(matcherField)
      .min(1)
      .max(100)
      .describe('Alertmanager matchers selecting the alerts held back, e.g. host="db1"'),
    start: timeField.describe("When the window opens (RFC 3339)"),
    end: timeField.describe("When the window closes (RFC 3339), after start"),
    reason: z.string().min(1).max(2000).describe("Why: shown with the held-back alerts"),
    author: z.string().max(200).optional().describe("Who planned it"),
  })
  .superRefine((w, ctx) => {
    if (w.end <= w.start) {
      ctx.addIssue({ code: "custom", path: ["end"], message: "end must be after start" });
    }
  });

/** Schema of a whole `maintenance/*.yaml` file. */
export const maintenanceFileSchema = z
  .strictObject({ windows: z.array(maintenanceWindowSchema).default([]) })
  .describe("reddot maintenance windows (maintenance/*.yaml)");

/** First pass: the list is taken apart so each window is checked on its own. */
export const maintenanceFileShallowSchema = z.strictObject({
  windows: z.array(z.unknown()).max(10_000).default([]),
});

/** Whether a window is open at `now` (start inclusive, end exclusive). */
export function windowOpen(w: MaintenanceWindow, now: number): boolean {
  return now >= w.startsAt && now < w.endsAt;
}
