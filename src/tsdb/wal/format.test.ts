import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isReddotError } from "../../lib/errors.js";
import { STALE_NAN } from "../sample.js";
import { encodeSamplesRecord, encodeSeriesRecord } from "./records.js";
import { makeRecord, makeTmp, recordKey, removeTmp } from "./testdata/fixtures.js";
import { Wal } from "./wal.js";

// The example segment of docs/formats/wal.md ("A whole segment"), byte for byte.
// biome-ignore format: one row per field
const DOC_SEGMENT = Uint8Array.of(
  0x52, 0x44, 0x57, 0x4c, 0x01, 0x00, 0x00, 0x00, // header: "RDWL", version 1, reserved
  0x01, 0x0c, 0x00, 0x00, 0x00, 0x77, 0xef, 0xba, 0xaf, // series frame: type, length 12, crc
  0x01, 0xac, 0x02, 0x01, 0x03, 0x6a, 0x6f, 0x62, 0x03, 0x61, 0x70, 0x69,
  0x02, 0x19, 0x00, 0x00, 0x00, 0x06, 0x71, 0xb7, 0x6e, // samples frame: type, length 25, crc
  0x02, 0xac, 0x02, 0xd0, 0x0f, 0x00, 0x00, 0x02, 0x01,
  0, 0, 0, 0, 0, 0, 0xf0, 0x3f,
  0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f,
);

let dir: string;
beforeEach(async () => {
  dir = await makeTmp();
});
afterEach(async () => {
  await removeTmp(dir);
});

describe("the segment format of docs/formats/wal.md", () => {
  it("is read from bytes written by hand from the doc", async () => {
    await writeFile(join(dir, "00000001"), DOC_SEGMENT);
    const wal = await Wal.open({ dir, fsync: "never" });
    const keys: string[] = [];
    await wal.replay((r) => keys.push(recordKey(r)));
    await wal.close();
    const stale = Buffer.from(Float64Array.of(1, STALE_NAN).buffer).toString("hex");
    expect(keys).toEqual(["series 300{job=api}", `samples 300,301 1000,999 ${stale}`]);
  });

  it("is what the writer produces for the same records", async () => {
    const wal = await Wal.open({ dir, fsync: "never" });
    await wal.log([
      encodeSeriesRecord([{ ref: 300, labels: [{ name: "job", value: "api" }] }]),
      encodeSamplesRecord(
        Uint32Array.of(300, 301),
        Float64Array.of(1000, 999),
        Float64Array.of(1, STALE_NAN),
        2,
      ),
    ]);
    await wal.close();
    expect(new Uint8Array(await readFile(join(dir, "00000001")))).toEqual(DOC_SEGMENT);
  });
});

describe("fsync policies", () => {
  it("interval: the timer fsyncs what was written, and close() stops it", async () => {
    const wal = await Wal.open({ dir, fsync: "interval", fsyncIntervalMs: 5 });
    await wal.log([makeRecord(1)]);
    await vi.waitFor(() => expect(wal.stats.fsyncs).toBe(1), { timeout: 10_000 });
    await wal.close();
    expect(wal.stats.fsyncs).toBe(1);
  });

  it("rejects an unknown policy and a bad interval", async () => {
    for (const opts of [
      { dir, fsync: "sometimes" as "never" },
      { dir, fsync: "interval" as const, fsyncIntervalMs: 0 },
    ]) {
      const err = await Wal.open(opts).catch((e: unknown) => e);
      expect(isReddotError(err) && err.code).toBe("RD_WAL_OPTIONS");
    }
  });
});
