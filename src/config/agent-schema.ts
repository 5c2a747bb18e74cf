import { z } from "zod";
import { byteSizeField } from "./fields.js";

/*
 * reddot.yaml `agents:`: who may push agent reports (tokens, stored only as
 * SHA-256 hashes), the roles of hosts no hosts/*.yaml entry declares, and the
 * largest report accepted.
 */

/** One agent token, known to the server only by its SHA-256. */
export interface AgentTokenConfig {
  /** Who holds the token (a host, a fleet, a deploy job); shown in logs and events. */
  readonly name: string;
  /** SHA-256 of the token, 64 lowercase hex digits. */
  readonly sha256: string;
}

/** `agents` in reddot.yaml, parsed. */
export interface AgentsConfig {
  readonly tokens: readonly AgentTokenConfig[];
  /** Roles of a host that has no hosts/*.yaml entry. */
  readonly defaultRoles: readonly string[];
  /** Largest report accepted, after gzip decompression, in bytes. */
  readonly maxReportBytes: number;
}

const SHA256_RE = /^[0-9a-fA-F]{64}$/;
/** Role names, as in roles/*.yaml. */
export const ROLE_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** Longest name of a check, role, host or token. */
export const MAX_NAME_LENGTH = 253;
/** Most agent tokens in reddot.yaml. */
export const MAX_AGENT_TOKENS = 10_000;

export const TOKEN_HASH_HINT = 'write the token\'s hash: printf %s "$TOKEN" | sha256sum';

/** A role name (`web`, `db-primary`). */
export function roleNameField() {
  return z
    .string()
    .max(MAX_NAME_LENGTH)
    .refine((s) => ROLE_NAME_RE.test(s), {
      error: (iss) => `${JSON.stringify(iss.input)} is not a valid role name`,
      params: { hint: "role names are letters, digits, _, . and -, not starting with . or -" },
    });
}

const tokenSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(MAX_NAME_LENGTH)
      .describe("Who holds the token; shown in logs and events"),
    sha256: z
      .string()
      .refine((s) => SHA256_RE.test(s), {
        error: (iss) =>
          `${JSON.stringify(iss.input)} is not a SHA-256 hash (64 hexadecimal digits)`,
        params: { hint: TOKEN_HASH_HINT },
      })
      .transform((s) => s.toLowerCase())
      .describe('SHA-256 of the token, hex: printf %s "$TOKEN" | sha256sum'),
  })
  .describe("An agent token");

/** Schema of reddot.yaml's `agents` section. */
export const agentsSchema = z
  .strictObject({
    tokens: z
      .array(tokenSchema)
      .max(MAX_AGENT_TOKENS)
      .default([])
      .describe("Tokens agents may push reports with; stored only as SHA-256 hashes"),
    default_roles: z
      .array(roleNameField())
      .default(["default"])
      .describe("Roles of a host that has no hosts/*.yaml entry"),
    max_report_bytes: byteSizeField({ min: 64 * 1024, max: 1024 * 1024 * 1024 })
      .prefault("16MiB")
      .describe("Largest agent report accepted, after gzip decompression"),
  })
  .superRefine((a, ctx) => {
    const names = new Map<string, number>();
    const hashes = new Map<string, number>();
    a.tokens.forEach((t, i) => {
      const sameName = names.get(t.name);
      if (sameName !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["tokens", i, "name"],
          message: `token name "${t.name}" is already used by tokens[${sameName}]`,
          params: { hint: "give each token its own name" },
        });
      } else names.set(t.name, i);
      const sameHash = hashes.get(t.sha256);
      if (sameHash !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["tokens", i, "sha256"],
          message: `the same hash as tokens[${sameHash}]`,
          params: { hint: "each token must be different; generate a new one" },
        });
      } else hashes.set(t.sha256, i);
    });
    a.default_roles.forEach((r, i) => {
      if (a.default_roles.indexOf(r) !== i) {
        ctx.addIssue({
          code: "custom",
          path: ["default_roles", i],
          message: `role "${r}" is listed twice`,
          params: { hint: "keep one" },
        });
      }
    });
  })
  .transform(
    (a): AgentsConfig => ({
      tokens: a.tokens,
      defaultRoles: a.default_roles,
      maxReportBytes: a.max_report_bytes,
    }),
  );
