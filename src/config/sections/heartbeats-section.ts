import { CONFIG_PARSE_OPTIONS } from "../fields.js";
import {
  heartbeatSchema,
  heartbeatsFileShallowSchema,
  toHeartbeatJob,
} from "../heartbeats-schema.js";
import { zodIssuesToConfigIssues } from "../yaml-file.js";
import type { ConfigSection } from "./section.js";
import { uniqueNames } from "./unique-names.js";

/** `heartbeats/*.yaml`: job heartbeats; names unique across files. */
export const heartbeatsSection: ConfigSection = {
  id: "heartbeats",
  entry: "heartbeats",
  kind: "dir",
  load(files, ctx) {
    const unique = uniqueNames("heartbeat", "heartbeats");
    for (const file of files) {
      const shallow = heartbeatsFileShallowSchema.safeParse(file.data ?? {}, CONFIG_PARSE_OPTIONS);
      if (!shallow.success) {
        for (const issue of zodIssuesToConfigIssues(
          file,
          shallow.error.issues,
          heartbeatsFileShallowSchema,
        ))
          ctx.report(issue);
        continue;
      }
      shallow.data.heartbeats.forEach((raw, i) => {
        const at = ["heartbeats", i];
        if (!unique(file, raw, at, ctx)) return;
        const parsed = heartbeatSchema.safeParse(raw, CONFIG_PARSE_OPTIONS);
        if (!parsed.success) {
          for (const issue of zodIssuesToConfigIssues(
            file,
            parsed.error.issues,
            heartbeatSchema,
            at,
          ))
            ctx.report(issue);
          return;
        }
        ctx.draft.heartbeats.push(toHeartbeatJob(parsed.data, file.file));
      });
    }
  },
};
