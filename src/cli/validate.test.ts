import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { runValidate } from "./validate.js";

const created: string[] = [];
afterAll(async () => {
  for (const dir of created) await rm(dir, { recursive: true, force: true });
});

/** A config repo in a temp directory: relative path → content. */
async function createRepo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "reddot-validate-"));
  created.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

/** A stream that keeps what is written to it. */
function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

async function validate(files: Record<string, string>) {
  const dir = await createRepo(files);
  const stdout = sink();
  const stderr = sink();
  const code = await runValidate(dir, { stdout: stdout.stream, stderr: stderr.stream });
  return { dir, code, stdout: stdout.text(), stderr: stderr.text() };
}

describe("reddot validate", () => {
  it("exits 0 with a short summary when the repo is valid", async () => {
    const r = await validate({
      "reddot.yaml": "listen: 127.0.0.1:9190\n",
      "scrape/node.yaml": "scrape_configs:\n  - job_name: node\n",
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`ok: 2 files, 1 scrape job in ${r.dir}\n`);
    expect(r.stderr).toBe("");
  });

  it("exits 1 and prints one line per issue, then a summary", async () => {
    const r = await validate({
      "reddot.yaml": "storage:\n  retension: 30d\n",
      "scrape/node.yaml":
        "scrape_configs:\n  - job_name: node\n    scrape_interval: 15s\n    scrape_timeout: 20s\n",
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")).toEqual([
      'reddot.yaml:2:3: storage.retension: unknown key "retension" (hint: did you mean "retention"?)',
      "scrape/node.yaml:4:21: scrape_configs[0].scrape_timeout: 20s is longer than scrape_interval 15s (hint: a scrape must end before the next starts: lower scrape_timeout or raise scrape_interval)",
      "2 errors in 2 files",
      "",
    ]);
  });

  it("treats a missing directory as a config error", async () => {
    const dir = await createRepo({});
    const stderr = sink();
    const code = await runValidate(`${dir}/missing`, {
      stdout: sink().stream,
      stderr: stderr.stream,
    });
    expect(code).toBe(1);
    expect(stderr.text()).toMatch(/missing: config directory does not exist\n1 error in 1 file\n$/);
  });
});
