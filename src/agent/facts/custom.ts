/**
 * Custom facts: every executable regular file in the configured directories
 * is run with no arguments (no shell, a timeout, an output cap, its directory
 * as working directory); its stdout must be one JSON object, which becomes
 * `custom.<filename>`. A failure becomes `custom_errors.<filename>` with the
 * reason and never stops the others.
 */
import { constants } from "node:fs";
import { access, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { type RunOptions, runBounded, runFailure } from "../run-bounded.js";
import { parseJsonObject } from "./commands.js";

/** A custom fact is a small document; 1 MiB is generous. */
export const MAX_CUSTOM_OUTPUT = 1024 * 1024;
/** How many custom fact commands run at once. */
const CONCURRENCY = 4;

export interface CustomFacts {
  readonly custom: Record<string, Record<string, unknown>>;
  readonly errors: Record<string, string>;
}

/**
 * Runs the custom fact executables of `dirs`. Names starting with `.` (editor
 * swap files, hidden files) and non-executable files are ignored. When two
 * directories hold the same file name, the first directory's wins and the
 * other is reported in `errors`. A directory that does not exist is not an
 * error (none is configured by default on a fresh host); one that cannot be
 * read is, under its path.
 */
export async function collectCustomFacts(
  dirs: readonly string[],
  timeoutMs: number,
  maxOutputBytes = MAX_CUSTOM_OUTPUT,
): Promise<CustomFacts> {
  const custom: Record<string, Record<string, unknown>> = {};
  const errors: Record<string, string> = {};
  const chosen = new Map<string, string>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") errors[dir] = `cannot read directory: ${code ?? String(e)}`;
      continue;
    }
    for (const name of names.sort()) {
      if (name.startsWith(".")) continue;
      const file = path.join(dir, name);
      if (!(await isExecutableFile(file))) continue;
      const first = chosen.get(name);
      if (first !== undefined) {
        errors[name] = `also in ${dir}; ${first} is used`;
        continue;
      }
      chosen.set(name, file);
    }
  }

  const opts: RunOptions = { timeoutMs, maxStdoutBytes: maxOutputBytes };
  const queue = [...chosen.entries()];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const [name, file] = next;
      const r = await runBounded(file, [], { ...opts, cwd: path.dirname(file) });
      const failure = runFailure(r, opts);
      if (failure) {
        errors[name] = failure;
        continue;
      }
      const parsed = parseJsonObject(r.stdout);
      if (typeof parsed === "string") errors[name] = parsed;
      else custom[name] = parsed;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  return { custom: sortKeys(custom), errors: sortKeys(errors) };
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const st = await stat(file);
    if (!st.isFile() || (st.mode & 0o111) === 0) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    // Dangling symlink, or not executable by us: not a custom fact.
    return false;
  }
}

/** Same keys in sorted order, so the document does not depend on which command finished first. */
function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}
