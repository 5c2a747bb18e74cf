import { formatConfigIssue, isConfigError, loadConfigDir } from "../config/index.js";

/** Where `reddot validate` writes: issues go to stderr, the ok summary to stdout. */
export interface ValidateOutput {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/**
 * `reddot validate DIR`: loads the config repo and prints every issue on its
 * own line (`file:line:col: key: message (hint: ...)`), then a summary.
 * Returns the exit code: 0 when valid, 1 when there are issues. Errors that
 * are not config issues (I/O failures, bugs) are thrown to the caller.
 */
export async function runValidate(dir: string, out: ValidateOutput): Promise<number> {
  try {
    const config = await loadConfigDir(dir);
    const n = config.files.length;
    const jobs = config.scrape.length;
    out.stdout.write(
      `ok: ${n} ${n === 1 ? "file" : "files"}, ${jobs} scrape ${jobs === 1 ? "job" : "jobs"} in ${config.dir}\n`,
    );
    return 0;
  } catch (e) {
    if (!isConfigError(e)) throw e;
    for (const issue of e.issues) out.stderr.write(`${formatConfigIssue(issue)}\n`);
    const n = e.issues.length;
    const files = new Set(e.issues.map((i) => i.file)).size;
    out.stderr.write(
      `${n} ${n === 1 ? "error" : "errors"} in ${files} ${files === 1 ? "file" : "files"}\n`,
    );
    return 1;
  }
}
