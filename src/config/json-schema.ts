import { z } from "zod";
import { checksFileSchema } from "./checks-schema.js";
import { hostsFileSchema } from "./hosts-schema.js";
import { rolesFileSchema } from "./roles-schema.js";
import { scrapeFileSchema } from "./scrape-schema.js";
import { serverConfigSchema } from "./server-schema.js";

/*
 * JSON Schemas describe the files as written (zod's "input" side): snake_case
 * keys, durations and sizes as text, defaults as they would be written.
 * Editors use them through a `# yaml-language-server: $schema=...` comment.
 */

/** JSON Schema (draft 2020-12) of `reddot.yaml`. */
export function serverConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(serverConfigSchema, { io: "input", target: "draft-2020-12" });
}

/** JSON Schema (draft 2020-12) of a `scrape/*.yaml` file. */
export function scrapeFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scrapeFileSchema, { io: "input", target: "draft-2020-12" });
}

/** JSON Schema (draft 2020-12) of a `checks/*.yaml` file. */
export function checksFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(checksFileSchema, { io: "input", target: "draft-2020-12" });
}

/** JSON Schema (draft 2020-12) of a `roles/*.yaml` file. */
export function rolesFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(rolesFileSchema, { io: "input", target: "draft-2020-12" });
}

/** JSON Schema (draft 2020-12) of a `hosts/*.yaml` file. */
export function hostsFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(hostsFileSchema, { io: "input", target: "draft-2020-12" });
}

/** The schema files committed under `schema/`, by file name. */
export function committedJsonSchemas(): Record<string, Record<string, unknown>> {
  return {
    "reddot.schema.json": serverConfigJsonSchema(),
    "scrape.schema.json": scrapeFileJsonSchema(),
    "checks.schema.json": checksFileJsonSchema(),
    "roles.schema.json": rolesFileJsonSchema(),
    "hosts.schema.json": hostsFileJsonSchema(),
  };
}

/** A schema as written to disk: two-space JSON and a final newline. */
export function renderJsonSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
