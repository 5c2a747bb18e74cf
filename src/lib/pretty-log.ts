import { Writable } from "node:stream";

const LEVELS: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};
const SKIP = new Set(["level", "time", "msg", "pid", "hostname", "service"]);

/**
 * A stream for pino that prints each JSON log line as one readable line,
 * `12:04:05 INFO  message key=value ...` (log.format: pretty). Lines that are
 * not JSON pass through unchanged.
 */
export function prettyLogStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line !== "") out.write(`${prettyLine(line)}\n`);
      }
      done();
    },
  });
}

/** Formats one pino JSON line. */
export function prettyLine(line: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line; // not JSON: print as it came
  }
  const time = typeof rec.time === "number" ? new Date(rec.time).toISOString().slice(11, 19) : "";
  const level = (LEVELS[Number(rec.level)] ?? String(rec.level)).padEnd(5);
  const fields = Object.entries(rec)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  return [time, level, String(rec.msg ?? ""), ...fields].filter((p) => p !== "").join(" ");
}
