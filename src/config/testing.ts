import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type ConfigIssue, isConfigError } from "./issues.js";
import { loadConfigDir } from "./loader.js";

/** Creates config repos in temp directories for tests, and removes them all afterwards. */
export interface TempRepos {
  /** A new directory holding `files` (relative path → content); parent folders are created. */
  create(files: Readonly<Record<string, string | Uint8Array>>): Promise<string>;
  /** Removes every directory this instance created. */
  cleanup(): Promise<void>;
}

/** Test helper: `const repos = tempRepos(); afterAll(() => repos.cleanup());`. */
export function tempRepos(): TempRepos {
  const dirs: string[] = [];
  return {
    async create(files) {
      const dir = await mkdtemp(join(tmpdir(), "reddot-config-"));
      dirs.push(dir);
      for (const [name, content] of Object.entries(files)) {
        await mkdir(dirname(join(dir, name)), { recursive: true });
        await writeFile(join(dir, name), content);
      }
      return dir;
    },
    async cleanup() {
      for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Loads the repo at `dir`, which must be invalid, and returns its issues; throws if it loads. */
export async function configIssuesOf(dir: string): Promise<readonly ConfigIssue[]> {
  try {
    await loadConfigDir(dir);
  } catch (e) {
    if (isConfigError(e)) return e.issues;
    throw e;
  }
  throw new Error(`expected ${dir} to be an invalid config repo`);
}
