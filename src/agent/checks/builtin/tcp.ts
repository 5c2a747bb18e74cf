/** `tcp`: time to open a TCP connection (check_tcp without send/expect). */
import { connect } from "node:net";
import type { BuiltinImpl } from "./builtin.js";
import { above, innerTimeout, perf, why } from "./result.js";

interface TcpParams {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number | undefined;
  readonly warnMs: number | undefined;
  readonly critMs: number | undefined;
}

/** Connects and resolves with the elapsed ms, or rejects with the socket error or a timeout. */
export function connectTime(
  host: string,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const sock = connect({ host, port, ...(signal ? { signal } : {}) });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.once("connect", () => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      sock.destroy();
      resolve(ms);
    });
    sock.once("error", (e) => {
      clearTimeout(timer);
      sock.destroy();
      reject(e);
    });
  });
}

export const tcp: BuiltinImpl<TcpParams> = {
  parse(p) {
    const host = p.string("host", { required: true });
    const port = p.number("port", { required: true, min: 1, max: 65535, integer: true });
    const timeoutMs = p.number("timeout_ms", { min: 1 });
    const warnMs = p.number("warn_ms", { min: 0 });
    const critMs = p.number("crit_ms", { min: 0 });
    p.order("warn_ms", warnMs, "crit_ms", critMs);
    return { host: host ?? "", port: port ?? 0, timeoutMs, warnMs, critMs };
  },

  async check(params, spec, ctx) {
    const timeoutMs = innerTimeout(params.timeoutMs, spec.timeoutMs);
    const target = `${params.host}:${params.port}`;
    let ms: number;
    try {
      ms = await connectTime(params.host, params.port, timeoutMs, ctx.signal);
    } catch (e) {
      return { status: 2, output: `TCP CRITICAL: cannot connect to ${target}: ${why(e)}` };
    }
    const status = above(ms, params.warnMs, params.critMs);
    const name = ["OK", "WARNING", "CRITICAL"][status];
    const extra: { warn?: number; crit?: number; min: number; max: number } = {
      min: 0,
      max: timeoutMs / 1000,
    };
    if (params.warnMs !== undefined) extra.warn = params.warnMs / 1000;
    if (params.critMs !== undefined) extra.crit = params.critMs / 1000;
    return {
      status,
      output: `TCP ${name}: connected to ${target} in ${ms.toFixed(1)} ms`,
      perfdata: [perf("time", ms / 1000, "s", extra)],
    };
  },
};
