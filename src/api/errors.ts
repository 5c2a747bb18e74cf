import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { isReddotError } from "../lib/errors.js";

/** Prometheus API error types, by HTTP status. */
function errorType(status: number): string {
  if (status === 400 || status === 413) return "bad_data";
  if (status === 422) return "execution";
  if (status === 503) return "unavailable";
  if (status === 404) return "not_found";
  if (status >= 500) return "internal";
  return "bad_data";
}

/**
 * The one place errors become HTTP answers: ReddotErrors keep their status and
 * message; Fastify's own client errors (body too large, bad content type) keep
 * theirs; anything else is a 500 whose details stay in the log, not the answer.
 */
export function errorHandler(
  err: FastifyError | Error,
  req: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  let status = 500;
  let message = "internal error; see the server log";
  let code = "RD_INTERNAL";
  let type: string | undefined;
  if (isReddotError(err)) {
    status = err.status;
    message = err.message;
    code = err.code;
    // PromQL's QueryError names its kind itself (timeout, canceled, execution).
    if ("promType" in err && typeof err.promType === "string") type = err.promType;
  } else if ("statusCode" in err && typeof err.statusCode === "number" && err.statusCode < 500) {
    status = err.statusCode;
    message = err.message;
    code = status === 413 ? "RD_TOO_LARGE" : "RD_BAD_REQUEST";
  }
  if (status >= 500) req.log.error({ err }, "request failed");
  else req.log.debug({ code, message }, "request refused");
  return reply
    .code(status)
    .send({ status: "error", errorType: type ?? errorType(status), error: message, code });
}
