import { CONFIG_PARSE_OPTIONS } from "../fields.js";
import { roleSchema, rolesFileShallowSchema } from "../roles-schema.js";
import { issueAt, zodIssuesToConfigIssues } from "../yaml-file.js";
import type { ConfigSection } from "./section.js";
import { referenceHint, uniqueNames } from "./unique-names.js";

/**
 * `roles/*.yaml`: roles and their checks; names are unique across all files,
 * and every check a role lists must be defined in checks/. Also checks that
 * reddot.yaml's agents.default_roles are defined.
 */
export const rolesSection: ConfigSection = {
  id: "roles",
  entry: "roles",
  kind: "dir",
  load(files, ctx) {
    const unique = uniqueNames("role", "roles");
    const definedChecks = ctx.draft.defined.checks;
    for (const file of files) {
      const shallow = rolesFileShallowSchema.safeParse(file.data ?? {}, CONFIG_PARSE_OPTIONS);
      if (!shallow.success) {
        for (const issue of zodIssuesToConfigIssues(
          file,
          shallow.error.issues,
          rolesFileShallowSchema,
        ))
          ctx.report(issue);
        continue;
      }
      shallow.data.roles.forEach((raw, i) => {
        const at = ["roles", i];
        if (!unique(file, raw, at, ctx)) return;
        const name = (raw as { name?: unknown } | null)?.name;
        if (typeof name === "string") ctx.draft.defined.roles.add(name);
        const parsed = roleSchema.safeParse(raw, CONFIG_PARSE_OPTIONS);
        if (!parsed.success) {
          for (const issue of zodIssuesToConfigIssues(file, parsed.error.issues, roleSchema, at))
            ctx.report(issue);
          return;
        }
        let ok = true;
        parsed.data.checks.forEach((check, j) => {
          if (definedChecks.has(check)) return;
          ok = false;
          ctx.report(
            issueAt(
              file,
              [...at, "checks", j],
              `unknown check "${check}"`,
              referenceHint(
                check,
                definedChecks,
                "define it in a file in checks/, or remove it from the role",
              ),
            ),
          );
        });
        if (!ok) return;
        const checks = [...new Set(parsed.data.checks)];
        ctx.draft.roles.push({ ...parsed.data, checks });
      });
    }
    const server = ctx.draft.serverFile;
    if (server === undefined) return;
    ctx.draft.server.agents.defaultRoles.forEach((role, i) => {
      if (ctx.draft.defined.roles.has(role)) return;
      ctx.report(
        issueAt(
          server,
          ["agents", "default_roles", i],
          `unknown role "${role}"`,
          referenceHint(
            role,
            ctx.draft.defined.roles,
            "define it in a file in roles/, or remove it",
          ),
        ),
      );
    });
  },
};
