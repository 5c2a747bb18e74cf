// Child process for meta-db.test.ts: inserts heartbeat rows one by one and
// prints each acknowledged id, until the parent SIGKILLs it.
import { openMeta } from "../meta-db.js";

const path = process.argv[2];
if (!path) throw new Error("usage: writer.child.ts DB_PATH");
const meta = await openMeta({ path });
for (let i = 1; ; i++) {
  await meta.db
    .insertInto("heartbeat_runs")
    .values({ job: "backup", kind: "success", at: i })
    .execute();
  process.stdout.write(`${i}\n`);
}
