import { parseMatcherList } from "../../notify/index.js";
import { CONFIG_PARSE_OPTIONS } from "../fields.js";
import { maintenanceFileShallowSchema, maintenanceWindowSchema } from "../maintenance-schema.js";
import { zodIssuesToConfigIssues } from "../yaml-file.js";
import type { ConfigSection } from "./section.js";
import { uniqueNames } from "./unique-names.js";

/** `maintenance/*.yaml`: maintenance windows; names unique across files. */
export const maintenanceSection: ConfigSection = {
  id: "maintenance",
  entry: "maintenance",
  kind: "dir",
  load(files, ctx) {
    const unique = uniqueNames("maintenance window", "maintenance");
    for (const file of files) {
      const shallow = maintenanceFileShallowSchema.safeParse(file.data ?? {}, CONFIG_PARSE_OPTIONS);
      if (!shallow.success) {
        for (const issue of zodIssuesToConfigIssues(
          file,
          shallow.error.issues,
          maintenanceFileShallowSchema,
        ))
          ctx.report(issue);
        continue;
      }
      shallow.data.windows.forEach((raw, i) => {
        const at = ["windows", i];
        if (!unique(file, raw, at, ctx)) return;
        const parsed = maintenanceWindowSchema.safeParse(raw, CONFIG_PARSE_OPTIONS);
        if (!parsed.success) {
          for (const issue of zodIssuesToConfigIssues(
            file,
            parsed.error.issues,
            maintenanceWindowSchema,
            at,
          ))
            ctx.report(issue);
          return;
        }
        const w = parsed.data;
        ctx.draft.maintenance.push({
          name: w.name,
          matchers: parseMatcherList(w.matchers),
          matcherTexts: w.matchers,
          startsAt: w.start,
          endsAt: w.end,
          reason: w.reason,
          ...(w.author === undefined ? {} : { author: w.author }),
          file: file.file,
        });
      });
    }
  },
};
