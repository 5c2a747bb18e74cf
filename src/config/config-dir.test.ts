import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { type ConfigIssue, formatConfigIssues } from "./issues.js";
import { loadConfigDir, MAX_CONFIG_FILE_BYTES } from "./loader.js";
import { configIssuesOf, tempRepos } from "./testing.js";

const repos = tempRepos();
afterAll(() => repos.cleanup());

async function issuesOf(
  files: Record<string, string | Uint8Array>,
): Promise<readonly ConfigIssue[]> {
  return configIssuesOf(await repos.create(files));
}

const JOB =
  'scrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ["127.0.0.1:9100"]\n';

describe("loadConfigDir errors in the directory", () => {
  it("reports unknown top-level entries with a hint, ignoring hidden files and Markdown", async () => {
    const issues = await issuesOf({
      ".gitignore": "data/\n",
      "README.md": "# my config\n",
      "reddot.yml": "",
      "scrap/a.yaml": JOB,
      "host/web1.yaml": "{}",
    });
    expect(issues).toEqual([
      {
        file: "host/",
        line: 0,
        column: 0,
        key: "",
        message: "unknown entry host/ in the config directory",
        hint: 'did you mean "hosts/"?',
      },
      {
        file: "reddot.yml",
        line: 0,
        column: 0,
        key: "",
        message: "unknown entry reddot.yml in the config directory",
        hint: 'did you mean "reddot.yaml"?',
      },
      {
        file: "scrap/",
        line: 0,
        column: 0,
        key: "",
        message: "unknown entry scrap/ in the config directory",
        hint: 'did you mean "scrape/"?',
      },
    ]);
  });

  it("refuses a file larger than 4 MiB", async () => {
    const big = `# ${"x".repeat(MAX_CONFIG_FILE_BYTES)}\n`;
    const issues = await issuesOf({ "reddot.yaml": big });
    expect(issues).toEqual([
      {
        file: "reddot.yaml",
        line: 0,
        column: 0,
        key: "",
        message: `file is ${big.length} bytes; config files may be at most ${MAX_CONFIG_FILE_BYTES} bytes (4 MiB)`,
        hint: "split it into several files",
      },
    ]);
  });

  it("refuses text that is not UTF-8", async () => {
    const issues = await issuesOf({
      "reddot.yaml": new Uint8Array([0x6c, 0x6f, 0x67, 0x3a, 0xff, 0x0a]),
    });
    expect(issues.map((i) => i.message)).toEqual(["file is not valid UTF-8 text"]);
  });

  it("reports a scrape/ that is a file", async () => {
    const issues = await issuesOf({ scrape: JOB });
    expect(issues.map((i) => [i.file, i.message])).toEqual([
      ["scrape", "scrape must be a directory"],
    ]);
  });

  it("reports a missing directory", async () => {
    const dir = join(await repos.create({}), "nope");
    await expect(loadConfigDir(dir)).rejects.toThrow(/nope: config directory does not exist/);
  });

  it("collects every issue across all files, sorted by file and position", async () => {
    const issues = await issuesOf({
      "reddot.yaml": "log:\n  format: xml\nstorage:\n  retension: 1d\n",
      "scrape/a.yaml": `${JOB}    scrape_timeout: 1m\n`,
      "scrape/b.yaml":
        "scrape_configs:\n  - job_name: b\n    scrape_interval: soon\n    metrics_path: metrics\n",
      "scrape/c.yaml": "scrape_configs: [\n",
    });
    expect(issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.key}`)).toEqual([
      "reddot.yaml:2:11 log.format",
      "reddot.yaml:4:3 storage.retension",
      "scrape/a.yaml:5:21 scrape_configs[0].scrape_timeout",
      "scrape/b.yaml:3:22 scrape_configs[0].scrape_interval",
      "scrape/b.yaml:4:19 scrape_configs[0].metrics_path",
      "scrape/c.yaml:2:1 ",
    ]);
  });

  it("formats issues as file:line:col: key: message (hint: ...)", async () => {
    const issues = await issuesOf({ "reddot.yaml": "storage:\n  retension: 30d\n", "x.txt": "" });
    expect(formatConfigIssues(issues)).toBe(
      [
        'reddot.yaml:2:3: storage.retension: unknown key "retension" (hint: did you mean "retention"?)',
        "x.txt: unknown entry x.txt in the config directory (hint: known: reddot.yaml, scrape/, checks/, roles/, hosts/, notify.yaml, maintenance/, rules/, heartbeats/)",
      ].join("\n"),
    );
  });
});

describe("loadConfigDir success", () => {
  it("lists every file read, absolute, and keeps jobs in file order", async () => {
    const dir = await repos.create({
      "reddot.yaml": "scrape:\n  interval: 30s\n",
      "scrape/b.yaml": JOB.replace("node", "b"),
      "scrape/a.yml": JOB.replace("node", "a"),
      "scrape/.hidden.yaml": "not: read",
    });
    const loaded = await loadConfigDir(dir);
    expect(loaded.files).toEqual([
      join(dir, "reddot.yaml"),
      join(dir, "scrape/a.yml"),
      join(dir, "scrape/b.yaml"),
    ]);
    expect(loaded.scrape.map((j) => [j.jobName, j.scrapeInterval, j.scrapeTimeout])).toEqual([
      ["a", 30_000, 10_000],
      ["b", 30_000, 10_000],
    ]);
  });
});

describe("examples/quickstart", () => {
  it("is a valid config repo", async () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "examples", "quickstart");
    const loaded = await loadConfigDir(dir);
    expect(loaded.server.listen).toEqual({ host: "127.0.0.1", port: 9190 });
    expect(loaded.scrape).toEqual([]);
    expect(loaded.files.length).toBe(4);
    expect(loaded.checks.map((c) => c.name)).toEqual([
      "root_disk",
      "readonly_mounts",
      "load",
      "memory",
    ]);
  });

  it("has a node_exporter job that is valid once uncommented", async () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "examples", "quickstart");
    const text = await readFile(join(dir, "scrape", "node-exporter.yaml"), "utf8");
    const job = text
      .split("\n")
      .filter((l) => l.startsWith("# ") && !l.includes("$schema"))
      .map((l) => l.slice(2))
      .filter((l) => l.startsWith("scrape_configs:") || l.startsWith("  "))
      .join("\n");
    const loaded = await loadConfigDir(await repos.create({ "scrape/node.yaml": job }));
    expect(loaded.scrape.map((j) => [j.jobName, j.staticConfigs[0].targets])).toEqual([
      ["node", ["127.0.0.1:9100"]],
    ]);
  });
});
