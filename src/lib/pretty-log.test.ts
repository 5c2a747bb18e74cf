import { PassThrough } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { prettyLine, prettyLogStream } from "./pretty-log.js";

describe("prettyLogStream", () => {
  it("prints pino lines as time, level, message and fields", async () => {
    const out = new PassThrough();
    let text = "";
    out.on("data", (b: Buffer) => {
      text += b.toString();
    });
    const log = pino({ base: { service: "reddot" } }, prettyLogStream(out));
    log.warn({ target: "127.0.0.1:9100", tries: 3 }, "scrape failed");
    await new Promise((r) => setImmediate(r));
    expect(text).toMatch(
      /^\d\d:\d\d:\d\d WARN {2}scrape failed target=127\.0\.0\.1:9100 tries=3\n$/,
    );
  });

  it("passes lines that are not JSON through", () => {
    expect(prettyLine("plain text")).toBe("plain text");
  });
});
