import { z } from "zod";
import { type HeartbeatJob, isValidTimeZone, parseCron } from "../heartbeats/index.js";
import { isReddotError } from "../lib/errors.js";
import { durationField, LABEL_NAME_RE } from "./fields.js";

/*
 * `heartbeats/*.yaml`: jobs (backups, cron jobs) that report by
 * POST /api/v1/heartbeat/<name> or `reddot run-job`. Names are unique across
 * all files. See docs/heartbeats.md.
 */

const NAME_RE = /^[a-zA-Z0-9_.-]+$/;
const MINUTE = 60_000;

/** One heartbeat job as written. */
export const heartbeatSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(200)
      .regex(NAME_RE, { message: "name must match [a-zA-Z0-9_.-]+ (it is part of the URL)" })
      .describe("Unique job name, used in POST /api/v1/heartbeat/<name>"),
    schedule: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        'Cron expression (5 fields) or @hourly/@daily/@weekly/@monthly/@yearly, e.g. "30 2 * * *"',
      ),
    every: durationField({ min: MINUTE, max: 366 * 24 * 60 * MINUTE })
      .optional()
      .describe("Instead of schedule: the job runs every this long (e.g. 15m, 6h)"),
    timezone: z
      .string()
      .max(100)
      .default("UTC")
      .describe("IANA time zone of schedule, e.g. Europe/Berlin"),
    grace: durationField({ min: 0, max: 7 * 24 * 60 * MINUTE })
      .default(5 * MINUTE)
      .describe("How late a success may arrive after the scheduled time before the job is late"),
    max_duration: durationField({ min: 1000 })
      .optional()
      .describe("A run started and not finished after this long is overlong"),
    labels: z
      .record(z.string().regex(LABEL_NAME_RE).max(200), z.string().max(1000))
      .default({})
      .describe("Labels added to the job's reddot_heartbeat_* series and its alerts"),
    description: z.string().max(2000).optional().describe("What the job is, for people"),
  })
  .superRefine((h, ctx) => {
    if ((h.schedule === undefined) === (h.every === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: h.schedule === undefined ? [] : ["every"],
        message: "give exactly one of schedule (cron) or every (a period)",
      });
      return;
    }
    if (!isValidTimeZone(h.timezone)) {
      ctx.addIssue({
        code: "custom",
        path: ["timezone"],
        message: `unknown time zone "${h.timezone}"`,
        params: { hint: "an IANA name such as UTC, Europe/Berlin, America/New_York" },
      });
      return;
    }
    if (h.schedule !== undefined) {
      try {
        const cron = parseCron(h.schedule, h.timezone);
        if (cron.next(Date.UTC(2000, 0, 1)) === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["schedule"],
            message: `"${h.schedule}" never fires`,
          });
        }
      } catch (e) {
        if (!isReddotError(e)) throw e;
        ctx.addIssue({ code: "custom", path: ["schedule"], message: e.message });
      }
    }
  });

/** Converts a checked job (schema output) into the runtime form. */
export function toHeartbeatJob(h: z.output<typeof heartbeatSchema>, file?: string): HeartbeatJob {
  const schedule =
    h.schedule !== undefined
      ? { kind: "cron" as const, cron: parseCron(h.schedule, h.timezone) }
      : { kind: "every" as const, everyMs: h.every ?? 0 };
  return {
    name: h.name,
    schedule,
    timezone: h.timezone,
    graceMs: h.grace,
    ...(h.max_duration === undefined ? {} : { maxDurationMs: h.max_duration }),
    labels: h.labels,
    ...(h.description === undefined ? {} : { description: h.description }),
    ...(file === undefined ? {} : { file }),
  };
}

/** Schema of a whole `heartbeats/*.yaml` file. */
export const heartbeatsFileSchema = z
  .strictObject({ heartbeats: z.array(heartbeatSchema).default([]) })
  .describe("reddot job heartbeats (heartbeats/*.yaml)");

/** First pass: the list is taken apart so each job is checked on its own. */
export const heartbeatsFileShallowSchema = z.strictObject({
  heartbeats: z.array(z.unknown()).max(10_000).default([]),
});
