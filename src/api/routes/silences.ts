import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { ReddotError } from "../../lib/errors.js";
import {
  type Matcher,
  newMatcher,
  parseMatchers,
  type Silence,
  silenceState,
} from "../../notify/index.js";
import { collectParams } from "../params.js";
import type { ApiDeps } from "../server.js";
import { checkWriteAccess } from "../write-access.js";

/*
 * Alertmanager API v2 silences (api/v2/openapi.yaml: getSilences, postSilences,
 * getSilence, deleteSilence), so amtool-like tools and Grafana's Alertmanager
 * data source can list, create and expire reddot's silences. Errors keep
 * reddot's JSON error shape (code, message naming the field).
 */

/** Largest silence body accepted. */
export const MAX_SILENCE_BODY_BYTES = 64 * 1024;
/** Most `filter` matchers one list request may give. */
const MAX_FILTERS = 100;
/** Longest label name in a matcher. */
const MAX_NAME_LENGTH = 1024;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RFC3339_RE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

const rfc3339 = z.string().transform((text, ctx) => {
  const ms = RFC3339_RE.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: "custom", message: `${JSON.stringify(text)} is not an RFC 3339 time` });
    return z.NEVER;
  }
  return ms;
});

/** The body of POST /api/v2/silences (Alertmanager's postableSilence). */
const postableSilence = z.object({
  id: z.string().max(64).optional(),
  matchers: z
    .array(
      z.object({
        name: z.string().max(MAX_NAME_LENGTH),
        value: z.string().max(4096),
        isRegex: z.boolean(),
        // Older clients omit it; Alertmanager treats that as an equality.
        isEqual: z.boolean().default(true),
      }),
    )
    .max(100),
  startsAt: rfc3339,
  endsAt: rfc3339,
  createdBy: z.string(),
  comment: z.string(),
});

function badSilence(message: string): ReddotError {
  return new ReddotError("RD_BAD_SILENCE", 400, `invalid silence: ${message}`);
}

/** Builds matchers from the API's `{name, value, isRegex, isEqual}`; throws naming the index. */
function apiMatchers(ms: z.infer<typeof postableSilence>["matchers"]): Matcher[] {
  return ms.map((m, i) => {
    const type = m.isRegex ? (m.isEqual ? "=~" : "!~") : m.isEqual ? "=" : "!=";
    try {
      return newMatcher(m.name, type, m.value);
    } catch (e) {
      throw badSilence(`matchers.${i}.value: ${(e as Error).message}`);
    }
  });
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A silence as Alertmanager's gettableSilence. */
export function gettableSilence(s: Silence, now: number) {
  return {
    id: s.id,
    status: { state: silenceState(s, now) },
    updatedAt: iso(s.updatedAt),
    matchers: s.matchers.map((m) => ({
      name: m.name,
      value: m.value,
      isRegex: m.type === "=~" || m.type === "!~",
      isEqual: m.type === "=" || m.type === "=~",
    })),
    startsAt: iso(s.startsAt),
    endsAt: iso(s.endsAt),
    createdBy: s.createdBy,
    comment: s.comment,
  };
}

/** Writes (create, update, expire): see write-access.ts. */
function checkWrite(req: FastifyRequest, deps: ApiDeps): void {
  checkWriteAccess({
    authorization: req.headers.authorization,
    remoteAddress: req.socket.remoteAddress,
    hashes: deps.writeTokenHashes?.() ?? new Set<string>(),
    code: "RD_SILENCE_UNAUTHORIZED",
    what: "creating or expiring silences",
  });
}

function silenceId(req: FastifyRequest): string {
  const id = (req.params as { id: string }).id;
  if (!UUID_RE.test(id)) {
    throw new ReddotError("RD_BAD_PARAM", 400, 'invalid parameter "silenceID": not a UUID');
  }
  return id.toLowerCase();
}

function filterMatchers(query: unknown): Matcher[] {
  const texts = collectParams(query, undefined).get("filter") ?? [];
  if (texts.length > MAX_FILTERS) {
    throw new ReddotError("RD_BAD_PARAM", 400, `at most ${MAX_FILTERS} filter parameters`);
  }
  return texts.flatMap((t) => parseMatchers(t));
}

/**
 * GET/POST /api/v2/silences, GET/DELETE /api/v2/silence/:id, when the server
 * has a silence store (absent: the routes are not there, 404).
 */
export function registerSilenceRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const store = deps.silences;
  if (store === undefined) return;

  app.get("/api/v2/silences", async (req) => {
    const matchers = filterMatchers(req.query);
    const now = store.now();
    return store.list({ matchers }, now).map((s) => gettableSilence(s, now));
  });

  app.post("/api/v2/silences", { bodyLimit: MAX_SILENCE_BODY_BYTES }, async (req) => {
    checkWrite(req, deps);
    const parsed = postableSilence.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join(".") ?? "";
      throw badSilence(`${field === "" ? "body" : field}: ${issue?.message ?? "invalid"}`);
    }
    const body = parsed.data;
    if (body.id !== undefined && body.id !== "" && !UUID_RE.test(body.id)) {
      throw badSilence("id: not a UUID");
    }
    const silenceID = await store.add({
      ...(body.id !== undefined && body.id !== "" ? { id: body.id.toLowerCase() } : {}),
      matchers: apiMatchers(body.matchers),
      startsAt: body.startsAt,
      endsAt: body.endsAt,
      createdBy: body.createdBy,
      comment: body.comment,
    });
    return { silenceID };
  });

  app.get("/api/v2/silence/:id", async (req) => {
    const id = silenceId(req);
    const s = store.get(id);
    if (s === undefined) {
      throw new ReddotError(
        "RD_SILENCE_NOT_FOUND",
        404,
        `no silence with id ${JSON.stringify(id)}`,
      );
    }
    return gettableSilence(s, store.now());
  });

  app.delete("/api/v2/silence/:id", async (req, reply) => {
    checkWrite(req, deps);
    await store.expire(silenceId(req));
    return reply.code(200).send();
  });
}
