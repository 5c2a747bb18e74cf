import { CONFIG_PARSE_OPTIONS } from "../fields.js";
import { serverConfigSchema } from "../server-schema.js";
import { zodIssuesToConfigIssues } from "../yaml-file.js";
import type { ConfigSection } from "./section.js";

/** `reddot.yaml`: the server's own settings. Absent or empty means all defaults. */
export const serverSection: ConfigSection = {
  id: "server",
  entry: "reddot.yaml",
  kind: "file",
  load(files, ctx) {
    for (const file of files) {
      ctx.draft.serverFile = file;
      const result = serverConfigSchema.safeParse(file.data ?? {}, CONFIG_PARSE_OPTIONS);
      if (result.success) {
        ctx.draft.server = result.data;
        continue;
      }
      for (const issue of zodIssuesToConfigIssues(file, result.error.issues, serverConfigSchema)) {
        ctx.report(issue);
      }
    }
  },
};
