import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { gunzipSync } from "node:zlib";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AgentChecksAnswer } from "../../agent/index.js";
import {
  type FleetState,
  isSafeHostName,
  parseAgentReport,
  reportSamples,
} from "../../fleet/index.js";
import { ReddotError } from "../../lib/errors.js";
import type { ApiDeps } from "../server.js";

/** What the agent endpoints need; the server wires it from the config and the data dir. */
export interface FleetDeps {
  /** The check list and roles for a host (config: hosts/*.yaml, agents.default_roles). */
  checksFor(host: string): AgentChecksAnswer;
  /** Hex SHA-256 digests of the valid agent tokens (config: agents.tokens). */
  tokenHashes(): ReadonlySet<string>;
  /** Bound of a report body, compressed and decompressed (config: agents.max_report_bytes). */
  maxReportBytes(): number;
  /** The hosts' facts, check outputs and last seen times. */
  state: FleetState;
}

function unauthorized(): ReddotError {
  return new ReddotError(
    "RD_AGENT_UNAUTHORIZED",
    401,
    "missing or invalid agent token; send Authorization: Bearer <token> with a token listed in agents.tokens",
  );
}

/** True when the bearer token's SHA-256 is one of `hashes`; every digest is compared, in constant time. */
export function tokenMatches(header: string | undefined, hashes: ReadonlySet<string>): boolean {
  if (header === undefined) return false;
  const m = /^Bearer ([^\s]+)\s*$/i.exec(header);
  if (!m) return false;
  const digest = createHash("sha256")
    .update(m[1] as string)
    .digest();
  let ok = false;
  for (const hex of hashes) {
    const want = Buffer.from(hex, "hex");
    if (want.length !== digest.length) continue;
    if (timingSafeEqual(want, digest)) ok = true;
  }
  return ok;
}

function tooLarge(what: string, limit: number): ReddotError {
  return new ReddotError(
    "RD_TOO_LARGE",
    413,
    `agent report ${what} is larger than agents.max_report_bytes (${limit} bytes)`,
  );
}

/** Reads at most `limit` bytes of the body; more is a 413. */
function readBounded(payload: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    payload.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        payload.resume();
        reject(tooLarge("body", limit));
        return;
      }
      chunks.push(chunk);
    });
    payload.on("end", () => {
      if (!done) resolve(Buffer.concat(chunks, size));
    });
    payload.on("error", (err) => {
      if (!done) reject(err);
      done = true;
    });
  });
}

function decodeBody(req: FastifyRequest, raw: Buffer, limit: number): unknown {
  const enc = (req.headers["content-encoding"] ?? "identity").toLowerCase().trim();
  let text: Buffer;
  if (enc === "gzip") {
    try {
      text = gunzipSync(raw, { maxOutputLength: limit });
    } catch (err) {
      if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError) {
        throw tooLarge("decompressed", limit);
      }
      throw new ReddotError(
        "RD_BAD_AGENT_REPORT",
        400,
        "invalid agent report: body is not valid gzip",
      );
    }
  } else if (enc === "identity") {
    text = raw;
  } else {
    throw new ReddotError(
      "RD_BAD_REQUEST",
      415,
      `unsupported Content-Encoding ${JSON.stringify(enc)}; want gzip or none`,
    );
  }
  try {
    return JSON.parse(text.toString("utf8"));
  } catch (err) {
    throw new ReddotError(
      "RD_BAD_AGENT_REPORT",
      400,
      `invalid agent report: body is not JSON: ${(err as Error).message}`,
    );
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The agent endpoints: POST /api/v1/agent/report, GET /api/v1/agent/checks
 * (both need an agent token) and the read-only GET /api/v1/hosts[/<name>].
 * Wire format: docs/formats/agent-report.md.
 */
export function registerAgentRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const fleet = deps.fleet;
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      "application/json",
      async (req: FastifyRequest, payload: IncomingMessage) => {
        const limit = fleet?.maxReportBytes() ?? 0;
        const raw = await readBounded(payload, limit);
        return decodeBody(req, raw, limit);
      },
    );
    scope.addHook("onRequest", async (req) => {
      if (!req.url.startsWith("/api/v1/agent/")) return;
      if (fleet === undefined) {
        throw new ReddotError(
          "RD_AGENT_UNAUTHORIZED",
          401,
          "agent reports are not enabled on this server",
        );
      }
      if (!tokenMatches(req.headers.authorization, fleet.tokenHashes())) throw unauthorized();
    });

    scope.post("/api/v1/agent/report", async (req, reply) => {
      if (fleet === undefined) throw unauthorized();
      if (!deps.ready())
        throw new ReddotError("RD_NOT_READY", 503, "starting up: WAL replay in progress");
      if (req.body === undefined) {
        throw new ReddotError("RD_BAD_AGENT_REPORT", 400, "invalid agent report: empty body");
      }
      const report = parseAgentReport(req.body);
      if (fleet.state.isDuplicate(report)) return reply.code(204).send();
      const receivedAt = Date.now();
      const appender = deps.storage.appender();
      for (const s of reportSamples(report, receivedAt)) appender.append(0, s.labels, s.t, s.v);
      const result = await appender.commit();
      // A duplicate sample is one already stored (a report delivered twice): not the agent's error.
      const { duplicate_sample: _dup, ...refused } = result.refused;
      const lost = Object.values(refused).reduce((a, b) => a + (b ?? 0), 0);
      if (lost > 0) {
        req.log.warn({ host: report.host, refused }, "agent report: store refused samples");
      }
      await fleet.state.record(report, receivedAt);
      return reply.code(204).send();
    });

    scope.get("/api/v1/agent/checks", async (req) => {
      if (fleet === undefined) throw unauthorized();
      const host = (req.query as Record<string, unknown>).host;
      if (typeof host !== "string" || !isSafeHostName(host)) {
        throw new ReddotError(
          "RD_BAD_PARAM",
          400,
          'invalid parameter "host": want a host name matching [A-Za-z0-9._-]{1,253}',
        );
      }
      return fleet.checksFor(host);
    });

    const summary = (host: string) => {
      const rec = fleet?.state.get(host);
      if (rec === undefined) return undefined;
      let roles: readonly string[] | undefined;
      try {
        roles = fleet?.checksFor(host).roles;
      } catch {
        roles = undefined;
      }
      const checks: Record<string, { status: number; output: string; time: string }> = {};
      for (const [name, c] of Object.entries(rec.checks)) {
        checks[name] = { status: c.status, output: c.output, time: iso(c.time) };
      }
      return {
        host: rec.host,
        lastSeen: iso(rec.lastSeen),
        agentVersion: rec.agentVersion,
        ...(roles !== undefined ? { roles } : {}),
        checks,
      };
    };

    scope.get("/api/v1/hosts", async () => {
      const data = (fleet?.state.list() ?? []).map((r) => summary(r.host));
      return { status: "success", data };
    });

    scope.get("/api/v1/hosts/:name", async (req) => {
      const name = (req.params as { name: string }).name;
      if (!isSafeHostName(name)) {
        throw new ReddotError("RD_BAD_PARAM", 400, 'invalid parameter "name": not a host name');
      }
      const rec = fleet?.state.get(name);
      const s = summary(name);
      if (rec === undefined || s === undefined) {
        throw new ReddotError(
          "RD_UNKNOWN_HOST",
          404,
          `no agent has reported for host ${JSON.stringify(name)}`,
        );
      }
      const checks: Record<
        string,
        { status: number; output: string; longOutput: string; time: string }
      > = {};
      for (const [n, c] of Object.entries(rec.checks)) {
        checks[n] = {
          status: c.status,
          output: c.output,
          longOutput: c.longOutput,
          time: iso(c.time),
        };
      }
      return { status: "success", data: { ...s, checks, facts: rec.facts ?? null } };
    });
  });
}
