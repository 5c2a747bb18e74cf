/**
 * Child process for spool-kill.test.ts: appends numbered batches to a spool
 * in a loop and prints each batch's number once its append has resolved
 * (durable). The parent SIGKILLs it mid-stream.
 *
 * Usage: node --import tsx spool-writer.child.ts <dir>
 */
import { Spool } from "../spool.js";
import { batchFor } from "./fixtures.js";

const [dir] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write("usage: spool-writer.child.ts <dir>\n");
  process.exit(2);
}

const spool = await Spool.open(dir, { maxBytes: 1 << 30 });
for (let i = 0; ; i++) {
  await spool.append(batchFor(i));
  process.stdout.write(`${i}\n`);
}
