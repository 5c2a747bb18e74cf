import { CONFIG_PARSE_OPTIONS } from "../fields.js";
import { hostSchema, hostsFileShallowSchema } from "../hosts-schema.js";
import { issueAt, zodIssuesToConfigIssues } from "../yaml-file.js";
import type { ConfigSection } from "./section.js";
import { referenceHint, uniqueNames } from "./unique-names.js";

/** `hosts/*.yaml`: declared hosts; names unique across files, roles defined in roles/. */
export const hostsSection: ConfigSection = {
  id: "hosts",
  entry: "hosts",
  kind: "dir",
  load(files, ctx) {
    const unique = uniqueNames("host", "hosts");
    const definedRoles = ctx.draft.defined.roles;
    for (const file of files) {
      const shallow = hostsFileShallowSchema.safeParse(file.data ?? {}, CONFIG_PARSE_OPTIONS);
      if (!shallow.success) {
        for (const issue of zodIssuesToConfigIssues(
          file,
          shallow.error.issues,
          hostsFileShallowSchema,
        ))
          ctx.report(issue);
        continue;
      }
      shallow.data.hosts.forEach((raw, i) => {
        const at = ["hosts", i];
        if (!unique(file, raw, at, ctx)) return;
        const parsed = hostSchema.safeParse(raw, CONFIG_PARSE_OPTIONS);
        if (!parsed.success) {
          for (const issue of zodIssuesToConfigIssues(file, parsed.error.issues, hostSchema, at))
            ctx.report(issue);
          return;
        }
        let ok = true;
        parsed.data.roles.forEach((role, j) => {
          if (parsed.data.roles.indexOf(role) !== j) {
            ok = false;
            ctx.report(
              issueAt(file, [...at, "roles", j], `role "${role}" is listed twice`, "keep one"),
            );
            return;
          }
          if (definedRoles.has(role)) return;
          ok = false;
          ctx.report(
            issueAt(
              file,
              [...at, "roles", j],
              `unknown role "${role}"`,
              referenceHint(
                role,
                definedRoles,
                "define it in a file in roles/, or remove it from the host",
              ),
            ),
          );
        });
        if (ok) ctx.draft.hosts.push(parsed.data);
      });
    }
  },
};
