/**
 * Writes the JSON Schemas of the config files into schema/ at the repo root.
 * Run after changing a config schema: `npx tsx src/config/write-schema.ts`.
 * json-schema.test.ts fails while the committed files are stale.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { committedJsonSchemas, renderJsonSchema } from "./json-schema.js";

const schemaDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "schema");
await mkdir(schemaDir, { recursive: true });
for (const [name, schema] of Object.entries(committedJsonSchemas())) {
  await writeFile(join(schemaDir, name), renderJsonSchema(schema));
}
