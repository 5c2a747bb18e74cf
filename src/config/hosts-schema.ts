import { z } from "zod";
import { MAX_NAME_LENGTH, roleNameField } from "./agent-schema.js";

/*
 * `hosts/*.yaml`: each file holds `hosts:`, the declared hosts: their roles
 * (which decide their checks), environment, owner and lifecycle. Host names
 * are unique across all files. A host that reports without being declared
 * gets reddot.yaml `agents.default_roles`.
 */

export type HostLifecycle = "planned" | "active" | "retiring" | "retired";

/** One declared host, parsed. */
export interface HostConfig {
  /** As the agent reports it (its --host, default the machine's hostname). */
  readonly name: string;
  readonly roles: readonly string[];
  readonly environment?: string;
  readonly owner?: string;
  readonly lifecycle: HostLifecycle;
}

/** Host names: a DNS name or a short hostname. */
export const HOST_NAME_RE = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

/** One host as written. */
export const hostSchema = z
  .strictObject({
    name: z
      .string()
      .max(MAX_NAME_LENGTH)
      .refine((s) => HOST_NAME_RE.test(s), {
        error: (iss) => `${JSON.stringify(iss.input)} is not a valid host name`,
        params: { hint: "write the name the agent reports: letters, digits, _, . and -" },
      })
      .describe("The host's name, as its agent reports it"),
    roles: z
      .array(roleNameField())
      .max(100)
      .describe("Roles (roles/*.yaml) of the host; they decide its checks"),
    environment: z.string().min(1).max(MAX_NAME_LENGTH).optional().describe("e.g. prod, staging"),
    owner: z.string().min(1).max(MAX_NAME_LENGTH).optional().describe("Team or person in charge"),
    lifecycle: z
      .enum(["planned", "active", "retiring", "retired"])
      .default("active")
      .describe("planned: not up yet; retiring/retired: going or gone away"),
  })
  .describe("A declared host")
  .transform(
    (h): HostConfig => ({
      name: h.name,
      roles: h.roles,
      lifecycle: h.lifecycle,
      ...(h.environment === undefined ? {} : { environment: h.environment }),
      ...(h.owner === undefined ? {} : { owner: h.owner }),
    }),
  );

/** Schema of a whole `hosts/*.yaml` file, for editors. */
export const hostsFileSchema = z
  .strictObject({ hosts: z.array(hostSchema).default([]).describe("Declared hosts") })
  .describe("reddot declared hosts (hosts/*.yaml)");

/** First pass over a hosts file: each host is then parsed on its own. */
export const hostsFileShallowSchema = z.strictObject({
  hosts: z.array(z.unknown()).default([]),
});
