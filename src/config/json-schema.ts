import { z } from "zod";
import { checksFileSchema } from "./checks-schema.js";
import { heartbeatsFileSchema } from "./heartbeats-schema.js";
import { hostsFileSchema } from "./hosts-schema.js";
import { maintenanceFileSchema } from "./maintenance-schema.js";
import { notifyFileSchema } from "./notify-schema.js";
import { rolesFileSchema } from "./roles-schema.js";
import { ruleGroupSchema } from "./rules-schema.js";
import { scrapeFileSchema } from "./scrape-schema.js";
import { serverConfigSchema } from "./server-schema.js";

/*
 * JSON Schemas describe the files as written (zod's "input" side): snake_case
 * keys, durations and sizes as text, defaults as they would be written.
 * Editors use them through a `# yaml-language-server: $schema=...` comment.
 */

/** The input side as draft 2020-12; parts JSON Schema cannot express (dates) accept anything. */
function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: "input", target: "draft-2020-12", unrepresentable: "any" });
}

/** JSON Schema (draft 2020-12) of `reddot.yaml`. */
export function serverConfigJsonSchema(): Record<string, unknown> {
  return toJsonSchema(serverConfigSchema);
}

/** JSON Schema (draft 2020-12) of a `scrape/*.yaml` file. */
export function scrapeFileJsonSchema(): Record<string, unknown> {
  return toJsonSchema(scrapeFileSchema);
}

/** JSON Schema (draft 2020-12) of a `checks/*.yaml` file. */
export function checksFileJsonSchema(): Record<string, unknown> {
  return toJsonSchema(checksFileSchema);
}

/** JSON Schema (draft 2020-12) of a `roles/*.yaml` file. */
export function rolesFileJsonSchema(): Record<string, unknown> {
  return toJsonSchema(rolesFileSchema);
}

/** JSON Schema (draft 2020-12) of a `hosts/*.yaml` file. */
export function hostsFileJsonSchema(): Record<string, unknown> {
  return toJsonSchema(hostsFileSchema);
}

/** JSON Schema (draft 2020-12) of a `rules/*.yaml` file (Prometheus's rule-file format). */
export function rulesFileJsonSchema(): Record<string, unknown> {
  const file = z.strictObject({ groups: z.array(ruleGroupSchema) });
  return toJsonSchema(file);
}

/** JSON Schema (draft 2020-12) of `notify.yaml` (Alertmanager's configuration). */
export function notifyFileJsonSchema(): Record<string, unknown> {
  return toJsonSchema(notifyFileSchema);
}

/** JSON Schema (draft 2020-12) of a `heartbeats/*.yaml` file. */
export function heartbeatsFileJsonSchema(): Record<string, unknown> {
  return toJsonSchema(heartbeatsFileSchema);
}

/** JSON Schema (draft 2020-12) of a `maintenance/*.yaml` file. */
export function maintenanceFileJsonSchema(): Record<string, unknown> {
  return toJsonSchema(maintenanceFileSchema);
}

/** The schema files committed under `schema/`, by file name. */
export function committedJsonSchemas(): Record<string, Record<string, unknown>> {
  return {
    "reddot.schema.json": serverConfigJsonSchema(),
    "scrape.schema.json": scrapeFileJsonSchema(),
    "checks.schema.json": checksFileJsonSchema(),
    "roles.schema.json": rolesFileJsonSchema(),
    "hosts.schema.json": hostsFileJsonSchema(),
    "rules.schema.json": rulesFileJsonSchema(),
    "notify.schema.json": notifyFileJsonSchema(),
    "heartbeats.schema.json": heartbeatsFileJsonSchema(),
    "maintenance.schema.json": maintenanceFileJsonSchema(),
  };
}

/** A schema as written to disk: two-space JSON and a final newline. */
export function renderJsonSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
