import { ReddotError } from "../lib/errors.js";

/** Where the server listens. `host` is an IP address or a name; IPv6 without brackets. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

const HOST_PORT_RE = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/;

/**
 * Parses `HOST:PORT` as `reddot.yaml` `listen` and the `--listen` flag take it:
 * `127.0.0.1:9190`, `localhost:9190`, `[::1]:9190`, or `:9190` for every IPv4
 * interface (as Prometheus' `--web.listen-address`). Port 0 lets the OS pick a
 * free port (used by tests). Throws RD_BAD_LISTEN_ADDRESS naming `what`.
 */
export function parseListenAddress(text: string, what = "listen"): ListenAddress {
  const m = HOST_PORT_RE.exec(text);
  const port = m === null ? Number.NaN : Number(m[3]);
  if (m === null || port > 65535) {
    throw new ReddotError(
      "RD_BAD_LISTEN_ADDRESS",
      400,
      `${what}: cannot parse "${text}" as HOST:PORT; want e.g. 127.0.0.1:9190, [::1]:9190, :9190`,
    );
  }
  const host = m[1] ?? (m[2] === "" ? "0.0.0.0" : m[2]);
  return { host, port };
}

/** Formats a listen address back to `HOST:PORT`, bracketing IPv6 hosts. */
export function formatListenAddress(addr: ListenAddress): string {
  return addr.host.includes(":") ? `[${addr.host}]:${addr.port}` : `${addr.host}:${addr.port}`;
}
