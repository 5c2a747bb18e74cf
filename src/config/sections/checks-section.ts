import { checkSchema, checksFileShallowSchema, resolveCheck } from "../checks-schema.js";
import { CONFIG_PARSE_OPTIONS } from "../fields.js";
import { issueAt, zodIssuesToConfigIssues } from "../yaml-file.js";
import type { ConfigSection } from "./section.js";
import { uniqueNames } from "./unique-names.js";

/** `checks/*.yaml`: check definitions; names are unique across all files. */
export const checksSection: ConfigSection = {
  id: "checks",
  entry: "checks",
  kind: "dir",
  load(files, ctx) {
    const unique = uniqueNames("check", "checks");
    for (const file of files) {
      const shallow = checksFileShallowSchema.safeParse(file.data ?? {}, CONFIG_PARSE_OPTIONS);
      if (!shallow.success) {
        for (const issue of zodIssuesToConfigIssues(
          file,
          shallow.error.issues,
          checksFileShallowSchema,
        ))
          ctx.report(issue);
        continue;
      }
      shallow.data.checks.forEach((raw, i) => {
        const at = ["checks", i];
        if (!unique(file, raw, at, ctx)) return;
        const name = (raw as { name?: unknown } | null)?.name;
        if (typeof name === "string") ctx.draft.defined.checks.add(name);
        const parsed = checkSchema.safeParse(raw, CONFIG_PARSE_OPTIONS);
        if (!parsed.success) {
          for (const issue of zodIssuesToConfigIssues(file, parsed.error.issues, checkSchema, at))
            ctx.report(issue);
          return;
        }
        const { spec, issues } = resolveCheck(parsed.data);
        for (const issue of issues)
          ctx.report(issueAt(file, [...at, ...issue.path], issue.message, issue.hint));
        if (spec !== undefined && issues.length === 0) ctx.draft.checks.push(spec);
      });
    }
  },
};
