import { parseNotifyConfig } from "../notify-schema.js";
import type { ConfigSection } from "./section.js";

/** `notify.yaml`: Alertmanager's configuration (routing, receivers, inhibition, time intervals). */
export const notifySection: ConfigSection = {
  id: "notify",
  entry: "notify.yaml",
  kind: "file",
  load(files, ctx) {
    for (const file of files) {
      const { config, issues } = parseNotifyConfig(file);
      for (const issue of issues) ctx.report(issue);
      if (config !== undefined) ctx.draft.notify = config;
    }
  },
};
