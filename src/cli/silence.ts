import type { Command } from "commander";
import { parseDuration } from "../lib/duration.js";
import { matchersToString, newMatcher, parseMatchers } from "../notify/index.js";

/*
 * `reddot silence add|ls|expire`: a client of a running server's Alertmanager
 * v2 silence API (as amtool's `silence` commands). Exit codes: 0 done, 1 the
 * server refused or could not be reached, 2 bad flags or matchers.
 */

/** Where output goes, the clock and the environment ($USER, $REDDOT_TOKEN). */
export interface SilenceIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  now?: () => number;
  env?: Readonly<Record<string, string | undefined>>;
}

/** Options of `reddot silence add`. */
export interface SilenceAddOptions {
  server: string;
  author?: string;
  comment?: string;
  duration?: string;
  start?: string;
  end?: string;
}

/** Options of `reddot silence ls`. */
export interface SilenceLsOptions {
  server: string;
  expired?: boolean;
}

/** A silence as the server answers it (Alertmanager's gettableSilence). */
interface ApiSilence {
  id: string;
  status: { state: string };
  matchers: { name: string; value: string; isRegex: boolean; isEqual?: boolean }[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

const DEFAULT_SERVER = "http://127.0.0.1:9190";
const RFC3339_RE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

class UsageError extends Error {}

function cliTime(raw: string, flag: string): number {
  const ms = RFC3339_RE.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(`${flag}: "${raw}" is not an RFC 3339 time (2026-03-01T22:00:00Z)`);
  }
  return ms;
}

/** Parses `alertname=DiskFull` `host=~"db.*"`; a lone word is an alertname, as amtool. */
function cliMatchers(args: readonly string[]) {
  const out = [];
  for (const [i, a] of args.entries()) {
    const ms =
      i === 0 && /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(a)
        ? [newMatcher("alertname", "=", a)]
        : parseMatchers(a);
    out.push(...ms);
  }
  return out;
}

/** Performs one request; returns the status and parsed JSON (or text). */
async function call(
  server: string,
  method: string,
  path: string,
  io: SilenceIo,
  body?: unknown,
): Promise<{ status: number; json: unknown; text: string }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const token = (io.env ?? process.env).REDDOT_TOKEN;
  if (token !== undefined && token !== "") headers.authorization = `Bearer ${token}`;
  const url = `${server.replace(/\/+$/, "")}${path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    throw new Error(`cannot reach ${server}: ${cause ?? (e as Error).message}`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.status >= 300) {
    const msg = (json as { error?: string } | undefined)?.error ?? text.slice(0, 200);
    throw new Error(`${method} ${path}: ${res.status}: ${msg}`);
  }
  return { status: res.status, json, text };
}

async function guarded(io: SilenceIo, fn: () => Promise<void>): Promise<number> {
  try {
    await fn();
    return 0;
  } catch (e) {
    io.stderr.write(`reddot: ${(e as Error).message}\n`);
    if (e instanceof UsageError) return 2;
    // A matcher or duration the user typed: also a usage error.
    const code = (e as { code?: string }).code;
    return code === "RD_BAD_MATCHER" || code === "RD_BAD_DURATION" ? 2 : 1;
  }
}

/** `reddot silence add`: creates a silence and prints its id. */
export function runSilenceAdd(
  matcherArgs: readonly string[],
  opts: SilenceAddOptions,
  io: SilenceIo,
): Promise<number> {
  return guarded(io, async () => {
    if (matcherArgs.length === 0) throw new UsageError("give at least one matcher");
    const matchers = cliMatchers(matcherArgs);
    const env = io.env ?? process.env;
    const author = opts.author ?? env.USER ?? "";
    if (author === "") throw new UsageError("--author is required ($USER is not set)");
    if (opts.comment === undefined || opts.comment.trim() === "") {
      throw new UsageError("--comment is required: say why");
    }
    if ((opts.duration === undefined) === (opts.end === undefined)) {
      throw new UsageError("give exactly one of --duration and --end");
    }
    const now = (io.now ?? Date.now)();
    const start = opts.start === undefined ? now : cliTime(opts.start, "--start");
    const end =
      opts.end !== undefined
        ? cliTime(opts.end, "--end")
        : start + parseDuration(opts.duration as string, "--duration");
    const res = await call(opts.server, "POST", "/api/v2/silences", io, {
      matchers: matchers.map((m) => ({
        name: m.name,
        value: m.value,
        isRegex: m.type === "=~" || m.type === "!~",
        isEqual: m.type === "=" || m.type === "=~",
      })),
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(end).toISOString(),
      createdBy: author,
      comment: opts.comment,
    });
    io.stdout.write(`${(res.json as { silenceID: string }).silenceID}\n`);
  });
}

/** Pads columns to a table with two spaces between them. */
function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .map((l) => `${l}\n`)
    .join("");
}

/** `reddot silence ls`: active and pending silences (with --expired, expired ones too). */
export function runSilenceLs(
  matcherArgs: readonly string[],
  opts: SilenceLsOptions,
  io: SilenceIo,
): Promise<number> {
  return guarded(io, async () => {
    const filters = matcherArgs.map((a) => matchersToString(cliMatchers([a])));
    const qs = filters.map((f) => `filter=${encodeURIComponent(f)}`).join("&");
    const res = await call(opts.server, "GET", `/api/v2/silences${qs ? `?${qs}` : ""}`, io);
    const all = (res.json ?? []) as ApiSilence[];
    const shown = all.filter((s) => opts.expired === true || s.status.state !== "expired");
    const rows = [["ID", "MATCHERS", "STATE", "ENDS", "AUTHOR", "COMMENT"]];
    for (const s of shown) {
      const ms = s.matchers.map((m) => {
        const type = m.isRegex
          ? m.isEqual === false
            ? "!~"
            : "=~"
          : m.isEqual === false
            ? "!="
            : "=";
        return { name: m.name, type, value: m.value } as const;
      });
      rows.push([
        s.id,
        matchersToString(ms),
        s.status.state,
        s.endsAt,
        s.createdBy,
        s.comment.replace(/\s+/g, " ").slice(0, 80),
      ]);
    }
    if (shown.length === 0) io.stderr.write("(no silences)\n");
    else io.stdout.write(table(rows));
  });
}

/** `reddot silence expire ID...`: ends each silence now; stops at the first failure. */
export function runSilenceExpire(
  ids: readonly string[],
  opts: { server: string },
  io: SilenceIo,
): Promise<number> {
  return guarded(io, async () => {
    if (ids.length === 0) throw new UsageError("give at least one silence id");
    for (const id of ids) {
      await call(opts.server, "DELETE", `/api/v2/silence/${encodeURIComponent(id)}`, io);
    }
  });
}

/** Registers `reddot silence add|ls|expire`. */
export function registerSilenceCommand(program: Command): void {
  const io = (): SilenceIo => ({ stdout: process.stdout, stderr: process.stderr });
  const silence = program
    .command("silence")
    .description("create, list and expire silences on a running server (Alertmanager API v2)");
  silence
    .command("add")
    .description("silence alerts matching every MATCHER; prints the new silence's id")
    .argument("<matcher...>", 'matchers such as alertname=DiskFull host=~"db.*"')
    .option("--server <url>", "server to ask", DEFAULT_SERVER)
    .option("--author <name>", "who silences (default: $USER)")
    .option("--comment <text>", "why (required)")
    .option("--duration <d>", "how long, e.g. 2h (or --end)")
    .option("--start <t>", "when it starts, RFC 3339 (default: now)")
    .option("--end <t>", "when it ends, RFC 3339 (or --duration)")
    .action(async (matchers: string[], opts: SilenceAddOptions) => {
      process.exitCode = await runSilenceAdd(matchers, opts, io());
    });
  silence
    .command("ls")
    .description("list active and pending silences, optionally only those matching MATCHERs")
    .argument("[matcher...]", "filter matchers, as Alertmanager's filter")
    .option("--server <url>", "server to ask", DEFAULT_SERVER)
    .option("--expired", "include expired silences")
    .action(async (matchers: string[], opts: SilenceLsOptions) => {
      process.exitCode = await runSilenceLs(matchers, opts, io());
    });
  silence
    .command("expire")
    .description("expire silences now")
    .argument("<id...>", "silence ids")
    .option("--server <url>", "server to ask", DEFAULT_SERVER)
    .action(async (ids: string[], opts: { server: string }) => {
      process.exitCode = await runSilenceExpire(ids, opts, io());
    });
}
