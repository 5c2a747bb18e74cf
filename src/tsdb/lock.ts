import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ReddotError } from "../lib/errors.js";

/** A held lock on a data directory. */
export interface DirLock {
  release(): Promise<void>;
}

/**
 * Takes `<dir>/lock` so two servers never write one data directory. A lock
 * left by a process that no longer runs (after a crash or kill -9) is taken over.
 */
export async function acquireLock(dir: string): Promise<DirLock> {
  const path = join(dir, "lock");
  try {
    await writeFile(path, `${process.pid}\n`, { flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    const holder = Number.parseInt((await readFile(path, "utf8")).trim(), 10);
    if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
      throw new ReddotError(
        "RD_DATA_DIR_LOCKED",
        500,
        `${dir} is in use by process ${holder}; stop it or choose another --data directory`,
      );
    }
    await writeFile(path, `${process.pid}\n`);
  }
  return {
    release: async () => {
      await rm(path, { force: true });
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
