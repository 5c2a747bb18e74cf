/**
 * Who may write through the silence, alert and heartbeat endpoints: a bearer
 * token whose SHA-256 is among `agents.tokens` (the agent endpoint's check,
 * constant-time). A server with no tokens configured has no credential to
 * check, so it accepts writes only from clients on the same machine
 * (loopback): `reddot silence add` and cron jobs work on a default
 * single-host install without opening writes to the network. Behind a
 * reverse proxy on the same host every client looks local: configure tokens.
 */
import { ReddotError } from "../lib/errors.js";
import { tokenMatches } from "./routes/agent.js";

export interface WriteAccess {
  readonly authorization: string | undefined;
  readonly remoteAddress: string | undefined;
  readonly hashes: ReadonlySet<string>;
  /** The error code to refuse with, e.g. RD_SILENCE_UNAUTHORIZED. */
  readonly code: string;
  /** What is refused, for the message: "posting alerts". */
  readonly what: string;
}

/** Throws a 401 ReddotError unless the request may write. */
export function checkWriteAccess(a: WriteAccess): void {
  const allowed =
    a.hashes.size === 0 ? isLoopback(a.remoteAddress) : tokenMatches(a.authorization, a.hashes);
  if (allowed) return;
  throw new ReddotError(
    a.code,
    401,
    a.hashes.size === 0
      ? `${a.what} from another machine needs a token: configure agents.tokens and send Authorization: Bearer <token>`
      : "missing or invalid token; send Authorization: Bearer <token> with a token listed in agents.tokens",
  );
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 addresses. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const a = address.startsWith("::ffff:") ? address.slice(7) : address;
  return a === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}
