import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, type ConfigIssue } from "./issues.js";
import { loadConfigDir } from "./loader.js";
import { tempRepos } from "./testing.js";

const repos = tempRepos();
afterAll(() => repos.cleanup());

/** Loads a repo made of `files`, which must fail, and returns its issues. */
async function issuesOf(
  files: Record<string, string | Uint8Array>,
): Promise<readonly ConfigIssue[]> {
  const dir = await repos.create(files);
  const err = await loadConfigDir(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  const configError = err as ConfigError;
  expect(configError.code).toBe("RD_CONFIG_INVALID");
  expect(configError.status).toBe(400);
  return configError.issues;
}

const JOB =
  'scrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ["127.0.0.1:9100"]\n';

describe("loadConfigDir errors in reddot.yaml", () => {
  it("points a bad duration at its value", async () => {
    expect(await issuesOf({ "reddot.yaml": "storage:\n  retention: 15x\n" })).toEqual([
      {
        file: "reddot.yaml",
        line: 2,
        column: 14,
        key: "storage.retention",
        message: '"15x" is not a duration',
        hint: "write a number and a unit, largest first: 15s, 1m30s, 2h, 7d",
      },
    ]);
  });

  it("points an unknown key at the key, with a did-you-mean hint", async () => {
    expect(await issuesOf({ "reddot.yaml": "storage:\n  retension: 30d\n" })).toEqual([
      {
        file: "reddot.yaml",
        line: 2,
        column: 3,
        key: "storage.retension",
        message: 'unknown key "retension"',
        hint: 'did you mean "retention"?',
      },
    ]);
  });

  it("lists the known keys when no key is close", async () => {
    const [issue] = await issuesOf({ "reddot.yaml": "log:\n  colour: red\n" });
    expect(issue).toMatchObject({ key: "log.colour", hint: "known: level, format" });
  });

  it("reports wrong types in got/want form", async () => {
    expect(await issuesOf({ "reddot.yaml": "log:\n  level: 3\nstorage: yes\n" })).toEqual([
      {
        file: "reddot.yaml",
        line: 2,
        column: 10,
        key: "log.level",
        message: 'got number 3; want one of "debug", "info", "warn", "error"',
      },
      {
        file: "reddot.yaml",
        line: 3,
        column: 10,
        key: "storage",
        message: 'got string "yes"; want a map',
      },
    ]);
  });

  it("reports a duplicate key with its path", async () => {
    const text = "storage:\n  wal:\n    fsync: never\n    fsync: always\n";
    expect(await issuesOf({ "reddot.yaml": text })).toEqual([
      {
        file: "reddot.yaml",
        line: 4,
        column: 5,
        key: "storage.wal.fsync",
        message: 'duplicate key "fsync"',
        hint: "each key may appear once in a map; keep one",
      },
    ]);
  });

  it("reports YAML syntax errors with their line", async () => {
    const [issue] = await issuesOf({
      "reddot.yaml": "listen: 127.0.0.1:9190\nstorage:\n\tretention: 15d\n",
    });
    expect(issue).toMatchObject({
      file: "reddot.yaml",
      line: 3,
      column: 1,
      key: "",
      hint: "indent with spaces",
    });
    expect(issue.message).toMatch(/^YAML syntax: /);
  });

  it("rejects bad sizes, bad listen addresses and out-of-range values", async () => {
    const text = [
      "listen: localhost",
      "storage:",
      "  retention_size: 10 GB",
      "  wal:",
      "    segment_size: 1KiB",
      "  limits:",
      "    max_series: -1",
      "",
    ].join("\n");
    const issues = await issuesOf({ "reddot.yaml": text });
    expect(issues.map((i) => [i.line, i.column, i.key, i.message])).toEqual([
      [1, 9, "listen", '"localhost" is not HOST:PORT'],
      [
        3,
        19,
        "storage.retention_size",
        'cannot parse "10 GB" as a byte size; want e.g. 0, 512MB, 10GiB, 1TB',
      ],
      [5, 19, "storage.wal.segment_size", "1KiB is too small; want at least 65536 bytes"],
      [7, 17, "storage.limits.max_series", "got -1; want at least 0"],
    ]);
  });

  it("checks global scrape timeout against interval, and retention against block_duration", async () => {
    const text = "storage:\n  retention: 1h\nscrape:\n  interval: 5s\n  timeout: 6s\n";
    const issues = await issuesOf({ "reddot.yaml": text });
    expect(issues.map((i) => [i.line, i.column, i.key, i.message])).toEqual([
      [2, 14, "storage.retention", "1h is shorter than block_duration 2h"],
      [5, 12, "scrape.timeout", "6s is longer than interval 5s"],
    ]);
  });

  it("rejects a document that is not a map", async () => {
    expect(await issuesOf({ "reddot.yaml": "- 1\n- 2\n" })).toEqual([
      { file: "reddot.yaml", line: 1, column: 1, key: "", message: "got a list; want a map" },
    ]);
  });
});

describe("loadConfigDir errors in scrape/", () => {
  it("reports a duplicate job_name across two files at the second one", async () => {
    const issues = await issuesOf({ "scrape/a.yaml": JOB, "scrape/b.yaml": `# again\n${JOB}` });
    expect(issues).toEqual([
      {
        file: "scrape/b.yaml",
        line: 3,
        column: 15,
        key: "scrape_configs[0].job_name",
        message: 'job_name "node" is already used at scrape/a.yaml:2:15',
        hint: "job names must be unique across all files in scrape/; rename one",
      },
    ]);
  });

  it("reports scrape_timeout longer than scrape_interval", async () => {
    const text = `${JOB}    scrape_interval: 15s\n    scrape_timeout: 20s\n`;
    expect(await issuesOf({ "scrape/node.yaml": text })).toEqual([
      {
        file: "scrape/node.yaml",
        line: 6,
        column: 21,
        key: "scrape_configs[0].scrape_timeout",
        message: "20s is longer than scrape_interval 15s",
        hint: "a scrape must end before the next starts: lower scrape_timeout or raise scrape_interval",
      },
    ]);
  });

  it("reports a bad regex in a relabel rule", async () => {
    const text = `${JOB}    relabel_configs:\n      - source_labels: [__address__]\n        regex: "a(b"\n        target_label: instance\n`;
    const [issue] = await issuesOf({ "scrape/node.yaml": text });
    expect(issue).toMatchObject({
      file: "scrape/node.yaml",
      line: 7,
      column: 16,
      key: "scrape_configs[0].relabel_configs[0].regex",
      hint: "regexes use Go RE2 syntax and must match the whole value",
    });
    expect(issue.message).toContain("a(b");
  });

  it("reports bad targets with a hint for each kind of mistake", async () => {
    const text = [
      "scrape_configs:",
      "  - job_name: node",
      "    static_configs:",
      "      - targets:",
      "          - 127.0.0.1:9100",
      "          - http://127.0.0.1:9100",
      "          - 127.0.0.1",
      "          - 127.0.0.1:9100/metrics",
      "          - 127.0.0.1:70000",
      "",
    ].join("\n");
    const issues = await issuesOf({ "scrape/node.yaml": text });
    expect(issues.map((i) => [i.line, i.column, i.key, i.hint])).toEqual([
      [
        6,
        13,
        "scrape_configs[0].static_configs[0].targets[1]",
        "write host:port without the scheme; set scheme: https for TLS",
      ],
      [
        7,
        13,
        "scrape_configs[0].static_configs[0].targets[2]",
        "add the port, e.g. 127.0.0.1:9100",
      ],
      [
        8,
        13,
        "scrape_configs[0].static_configs[0].targets[3]",
        "write host:port; the path goes in metrics_path",
      ],
      [
        9,
        13,
        "scrape_configs[0].static_configs[0].targets[4]",
        "the port is a number from 1 to 65535",
      ],
    ]);
    expect(issues[0].message).toBe('"http://127.0.0.1:9100" is not host:port');
  });

  it("points a missing required key at the map that lacks it", async () => {
    const issues = await issuesOf({
      "scrape/x.yaml": "scrape_configs:\n  - scrape_interval: 10s\n",
    });
    expect(issues).toEqual([
      {
        file: "scrape/x.yaml",
        line: 2,
        column: 5,
        key: "scrape_configs[0].job_name",
        message: "required key is missing",
      },
    ]);
  });

  it("names Prometheus keys reddot does not support", async () => {
    const [issue] = await issuesOf({ "scrape/x.yaml": `${JOB}    basic_auth: {username: u}\n` });
    expect(issue).toMatchObject({
      line: 5,
      column: 5,
      key: "scrape_configs[0].basic_auth",
      hint: "reddot does not support the Prometheus scrape_config key basic_auth yet",
    });
  });

  it("reports bad label names at the key and unquoted numbers with a hint", async () => {
    const text = `${JOB}        labels:\n          bad-name: x\n`;
    const [bad] = await issuesOf({ "scrape/x.yaml": text });
    expect(bad).toMatchObject({
      line: 6,
      column: 11,
      key: 'scrape_configs[0].static_configs[0].labels["bad-name"]',
      message: '"bad-name" is not a valid label name',
    });
    const [num] = await issuesOf({ "scrape/x.yaml": `${JOB}        labels: {port: 9100}\n` });
    expect(num).toMatchObject({
      key: "scrape_configs[0].static_configs[0].labels.port",
      message: "got number 9100; want a string",
      hint: 'quote it to make it a string: "9100"',
    });
  });

  it("rejects files in scrape/ that are not YAML, and subdirectories", async () => {
    const issues = await issuesOf({ "scrape/notes.txt": "x", "scrape/old/a.yaml": JOB });
    expect(issues.map((i) => [i.file, i.line, i.message])).toEqual([
      ["scrape/notes.txt", 0, "scrape/ holds only .yaml files"],
      ["scrape/old/", 0, "subdirectories of scrape/ are not read"],
    ]);
  });
});
