import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { committedJsonSchemas, renderJsonSchema, serverConfigJsonSchema } from "./json-schema.js";

const schemaDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "schema");

describe("JSON Schemas for editors", () => {
  it("describes reddot.yaml as written: snake_case keys, text durations, defaults", () => {
    const schema = serverConfigJsonSchema() as {
      properties: Record<
        string,
        { properties?: Record<string, { default?: unknown; type?: unknown }> }
      >;
      additionalProperties: boolean;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.storage.properties?.retention).toMatchObject({
      default: "15d",
      type: "string",
    });
    expect(schema.properties.storage.properties?.out_of_order_window?.default).toBe("30m");
  });

  // When this fails, regenerate the committed files: npx tsx src/config/write-schema.ts
  it("matches the committed files in schema/", async () => {
    for (const [name, schema] of Object.entries(committedJsonSchemas())) {
      const committed = await readFile(join(schemaDir, name), "utf8");
      expect(committed, `schema/${name} is stale`).toBe(renderJsonSchema(schema));
    }
  });
});
