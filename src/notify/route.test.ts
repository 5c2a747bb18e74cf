import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type NotifyConfig, parseNotifyConfig } from "../config/index.js";
import { parseYamlFile } from "../config/yaml-file.js";
import { buildRouteTree, groupKey, matchRoutes, walkRoutes } from "./route.js";

function load(text: string): NotifyConfig {
  const { yaml } = parseYamlFile("notify.yaml", text);
  const { config, issues } = parseNotifyConfig(yaml);
  if (config === undefined) throw new Error(JSON.stringify(issues));
  return config;
}

const realWorld = load(
  readFileSync(fileURLToPath(new URL("testdata/alertmanager.yml", import.meta.url)), "utf8"),
);

function reached(config: NotifyConfig, labels: Record<string, string>) {
  return matchRoutes(buildRouteTree(config.route), labels).map((r) => r.receiver);
}

describe("matchRoutes (Alertmanager's doc/examples/simple.yml)", () => {
  it.each([
    [{ service: "foo1", severity: "critical" }, ["team-X-pager"]],
    [{ service: "foo2" }, ["team-X-mails"]],
    [{ service: "files", severity: "critical" }, ["team-Y-pager"]],
    [{ service: "files", severity: "warning" }, ["team-Y-mails"]],
    [{ service: "database" }, ["team-DB-pager"]],
    [{ service: "database", owner: "team-X" }, ["team-X-pager"]],
    [{ service: "database", owner: "team-Y" }, ["team-Y-pager"]],
    [{ env: "dev" }, ["slack-noise"]],
    [{ team: "ops" }, ["forward"]],
    [{ service: "other" }, ["team-X-mails"]],
    [{}, ["team-X-mails"]],
  ])("routes %j to %j", (labels, want) => {
    expect(reached(realWorld, labels)).toEqual(want);
  });

  it("gives routes Alertmanager's ids and keys", () => {
    const root = buildRouteTree(realWorld.route);
    const [r] = matchRoutes(root, { service: "foo1", severity: "critical" });
    expect(r?.id).toBe('{}/{service=~"foo1|foo2|baz"}/{severity="critical"}/0');
    expect(root.id).toBe("{}");
    expect(walkRoutes(root).map((n) => n.id)).toContain(
      '{}/{service="database"}/{owner="team-Y"}/1',
    );
    expect(
      groupKey(r as NonNullable<typeof r>, {
        service: "foo1",
        severity: "critical",
        alertname: "X",
        other: "y",
      }),
    ).toBe('{}/{service=~"foo1|foo2|baz"}/{severity="critical"}:{alertname="X", service="foo1"}');
    const [noise] = matchRoutes(root, { env: "dev", a: "1" });
    expect(groupKey(noise as NonNullable<typeof noise>, { env: "dev", a: "1" })).toBe(
      '{}/{env=~"staging|dev"}:{a="1", env="dev"}',
    );
  });

  it("goes on past a matching route with continue, and stops at the first without", () => {
    const config = load(`
route:
  receiver: root
  routes:
    - matchers: [team="a"]
      receiver: a
      continue: true
    - matchers: [severity="page"]
      receiver: pager
    - matchers: [team="a"]
      receiver: never-reached-after-pager
    - matchers: [team="a"]
      receiver: a2
      routes:
        - matchers: [sub="x"]
          receiver: a2x
receivers: [{name: root}, {name: a}, {name: pager}, {name: never-reached-after-pager}, {name: a2}, {name: a2x}]
`);
    expect(reached(config, { team: "a", severity: "page" })).toEqual(["a", "pager"]);
    expect(reached(config, { team: "a" })).toEqual(["a", "never-reached-after-pager"]);
    expect(reached(config, { team: "b" })).toEqual(["root"]);
    // A continue route alone still counts as a match: the root is not added.
    expect(reached(config, { team: "a", severity: "x" })).toEqual([
      "a",
      "never-reached-after-pager",
    ]);
    const root = buildRouteTree(config.route);
    expect(matchRoutes(root, { team: "a" })[0]?.groupWaitMs).toBe(30_000);
  });
});
