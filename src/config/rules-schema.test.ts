import { afterAll, describe, expect, it } from "vitest";
import { loadConfigDir } from "./loader.js";
import { configIssuesOf, tempRepos } from "./testing.js";

const repos = tempRepos();
afterAll(() => repos.cleanup());

async function issues(files: Record<string, string>) {
  return configIssuesOf(await repos.create(files));
}

describe("rules/*.yaml", () => {
  it("loads a Prometheus rule file unchanged, group labels under rule labels", async () => {
    const dir = await repos.create({
      "rules/node.yaml": [
        "groups:",
        "  - name: node",
        "    interval: 30s",
        "    query_offset: 1m",
        "    limit: 10",
        "    labels: { team: infra, severity: low }",
        "    rules:",
        "      - record: job:up:sum",
        "        expr: sum by (job) (up)",
        "      - alert: InstanceDown",
        "        expr: up == 0",
        "        for: 5m",
        "        keep_firing_for: 10m",
        "        labels: { severity: page }",
        "        annotations:",
        '          summary: "{{ $labels.instance }} down"',
        "",
      ].join("\n"),
    });
    const cfg = await loadConfigDir(dir);
    expect(cfg.rules).toEqual([
      {
        file: "rules/node.yaml",
        name: "node",
        interval: 30_000,
        queryOffset: 60_000,
        limit: 10,
        rules: [
          {
            kind: "record",
            name: "job:up:sum",
            expr: "sum by (job) (up)",
            for: 0,
            keepFiringFor: 0,
            labels: { team: "infra", severity: "low" },
            annotations: {},
          },
          {
            kind: "alert",
            name: "InstanceDown",
            expr: "up == 0",
            for: 300_000,
            keepFiringFor: 600_000,
            labels: { team: "infra", severity: "page" },
            annotations: { summary: "{{ $labels.instance }} down" },
          },
        ],
      },
    ]);
  });

  it("reports bad PromQL at its place in the file, block scalars included", async () => {
    const found = await issues({
      "rules/a.yaml": [
        "groups:",
        "  - name: a",
        "    rules:",
        "      - record: x",
        "        expr: sum(up",
        "      - alert: Y",
        "        expr: |",
        "          up",
        "            == == 0",
        "",
      ].join("\n"),
    });
    expect(found).toHaveLength(2);
    expect(found[0]).toMatchObject({
      file: "rules/a.yaml",
      line: 5,
      key: "groups[0].rules[0].expr",
    });
    expect(found[0]?.message).toMatch(/^could not parse expression: 1:\d+: parse error: /);
    expect(found[0]?.column).toBeGreaterThan(14);
    expect(found[1]).toMatchObject({
      file: "rules/a.yaml",
      line: 9,
      key: "groups[0].rules[1].expr",
    });
  });

  it("reports bad durations, both record and alert, recording rules with for/annotations", async () => {
    const found = await issues({
      "rules/a.yaml": [
        "groups:",
        "  - name: a",
        "    interval: 1x",
        "    rules:",
        "      - record: x",
        "        alert: y",
        "        expr: up",
        "",
        "  - name: b",
        "    rules:",
        "      - alert: y",
        "        expr: up",
        "        for: 5 minutes",
        "      - record: x",
        "        expr: up",
        "        for: 1m",
        "        annotations: { a: b }",
        "      - expr: up",
        "      - record: 1bad",
        "        expr: up",
        "      - alert: z",
        "        expr: up",
        "        labels: { bad-name: x }",
        "",
      ].join("\n"),
    });
    expect(found.map((i) => [i.line, i.key, i.message])).toEqual([
      [3, "groups[0].interval", '"1x" is not a duration'],
      [13, "groups[1].rules[0].for", '"5 minutes" is not a duration'],
      [16, "groups[1].rules[1].for", "invalid field 'for' in recording rule"],
      [17, "groups[1].rules[1].annotations", "invalid field 'annotations' in recording rule"],
      [18, "groups[1].rules[2]", "one of 'record' or 'alert' must be set"],
      [19, "groups[1].rules[3].record", "invalid recording rule name: 1bad"],
      [23, 'groups[1].rules[4].labels["bad-name"]', '"bad-name" is not a valid label name'],
    ]);
  });

  it("reports a group defined twice with both places", async () => {
    const found = await issues({
      "rules/a.yaml": "groups:\n  - name: g\n    rules: []\n",
      "rules/b.yaml": "groups:\n  - name: other\n    rules: []\n  - name: g\n    rules: []\n",
    });
    expect(found).toEqual([
      {
        file: "rules/b.yaml",
        line: 4,
        column: 11,
        key: "groups[1].name",
        message: 'rule group "g" is already defined at rules/a.yaml:2:11',
        hint: "rule group names must be unique across all files in rules/; rename or remove one",
      },
    ]);
  });

  it("reports template errors in labels and annotations at their value", async () => {
    const found = await issues({
      "rules/a.yaml": [
        "groups:",
        "  - name: g",
        "    rules:",
        "      - alert: A",
        "        expr: up == 0",
        '        labels: { severity: "{{ $labels.x" }',
        "        annotations:",
        '          summary: "{{ if }}"',
        '          ok: "{{ $labels.instance }} at {{ $value | humanize }}"',
        "",
      ].join("\n"),
    });
    expect(found.map((i) => [i.line, i.key])).toEqual([
      [6, "groups[0].rules[0].labels.severity"],
      [8, "groups[0].rules[0].annotations.summary"],
    ]);
    expect(found[0]?.message).toMatch(/^label "severity": /);
    expect(found[1]?.message).toMatch(/^annotation "summary": /);
  });

  it("reports unknown keys with a hint", async () => {
    const found = await issues({
      "rules/a.yaml":
        "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        fro: 1m\n",
    });
    expect(found[0]).toMatchObject({ line: 6, key: "groups[0].rules[0].fro" });
    expect(found[0]?.hint).toContain("for");
  });
});
