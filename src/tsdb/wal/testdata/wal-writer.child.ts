/**
 * Child process for wal-kill.test.ts: logs the test record stream in a loop,
 * several concurrent log() calls at a time (so group commit batches them), and
 * after each acknowledgement prints how many records are acknowledged so far.
 * The parent SIGKILLs it mid-stream.
 *
 * Usage: node --import tsx wal-writer.child.ts <dir> <always|interval|never>
 */
import { Wal } from "../wal.js";
import { makeRecord } from "./fixtures.js";

const [dir, fsync] = process.argv.slice(2);
if (dir === undefined || (fsync !== "always" && fsync !== "interval" && fsync !== "never")) {
  console.error("usage: wal-writer.child.ts <dir> <always|interval|never>");
  process.exit(2);
}

const wal = await Wal.open({ dir, fsync, segmentSize: 16 * 1024 });
let next = 0;
for (;;) {
  const calls: Promise<void>[] = [];
  // Four concurrent callers of one to three records each.
  for (let c = 0; c < 4; c++) {
    const recs: Uint8Array[] = [];
    for (let k = 0; k <= c % 3; k++) recs.push(makeRecord(next++));
    calls.push(wal.log(recs));
  }
  await Promise.all(calls);
  process.stdout.write(`${next}\n`);
}
