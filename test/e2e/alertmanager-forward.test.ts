/**
 * Forwarding to an external Alertmanager (a receiver with `alertmanager_configs`):
 * a real `prometheus-alertmanager` receives reddot's firing alert with its
 * labels, annotations and generator URL through its API v2, and sees it
 * resolved when the condition clears.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startFeeder } from "./support/feeder.js";
import {
  eventually,
  freePort,
  hasBinary,
  removeDir,
  startProcess,
  startReddot,
  type TestProcess,
  tempDir,
  waitReady,
} from "./support/processes.js";

const ALERTMANAGER = "/usr/bin/prometheus-alertmanager";

const procs: TestProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const p of procs) await p.stop("SIGKILL");
  for (const d of dirs) removeDir(d);
});

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  status: { state: string };
}

describe.skipIf(!hasBinary(ALERTMANAGER))("forwarding to a real Alertmanager", () => {
  it("delivers firing and resolved alerts through Alertmanager's API v2", async () => {
    const amDir = tempDir("reddot-am-");
    dirs.push(amDir);
    writeFileSync(
      join(amDir, "alertmanager.yml"),
      "route:\n  receiver: nobody\nreceivers:\n  - name: nobody\n",
    );
    const amPort = await freePort();
    const am = startProcess(ALERTMANAGER, [
      `--config.file=${join(amDir, "alertmanager.yml")}`,
      `--storage.path=${join(amDir, "data")}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      "--cluster.listen-address=",
    ]);
    procs.push(am);
    const amUrl = `http://127.0.0.1:${amPort}`;
    await waitReady(`${amUrl}/-/ready`, am);

    const config = tempDir("reddot-am-config-");
    dirs.push(config);
    writeFileSync(join(config, "reddot.yaml"), "scrape:\n  self:\n    enabled: false\n");
    mkdirSync(join(config, "rules"));
    writeFileSync(
      join(config, "rules", "queue.yaml"),
      [
        "groups:",
        "  - name: queue",
        "    interval: 1s",
        "    rules:",
        "      - alert: QueueStuck",
        "        expr: queue_depth > 100",
        "        labels: { severity: ticket }",
        "        annotations:",
        '          summary: "{{ $labels.queue }} holds {{ $value }} messages"',
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(config, "notify.yaml"),
      [
        "route:",
        "  receiver: upstream",
        "  group_wait: 1s",
        "  group_interval: 1s",
        "receivers:",
        "  - name: upstream",
        "    alertmanager_configs:",
        `      - url: ${amUrl}`,
        "",
      ].join("\n"),
    );
    const reddot = await startReddot(["--config", config]);
    procs.push(reddot.proc);
    dirs.push(reddot.dataDir);

    let depth = 500;
    const feed = startFeeder(
      () => reddot.url,
      { __name__: "queue_depth", queue: "invoices" },
      () => depth,
    );
    try {
      const alerts = async () =>
        (await (await fetch(`${amUrl}/api/v2/alerts`)).json()) as AmAlert[];
      const firing = await eventually(
        "QueueStuck in Alertmanager",
        async () => (await alerts()).find((a) => a.labels.alertname === "QueueStuck"),
        60_000,
      );
      expect(firing.labels).toMatchObject({
        alertname: "QueueStuck",
        queue: "invoices",
        severity: "ticket",
      });
      expect(firing.annotations.summary).toBe("invoices holds 500 messages");
      expect(firing.status.state).toBe("active");
      expect(firing.generatorURL).toContain("queue_depth");
      expect(Date.parse(firing.startsAt)).toBeLessThanOrEqual(Date.now());

      // Resolved: Alertmanager's active list (resolved alerts are not listed) loses it.
      depth = 0;
      await eventually(
        "QueueStuck resolved in Alertmanager",
        async () => {
          const r = await (await fetch(`${amUrl}/api/v2/alerts?active=true`)).json();
          const still = (r as AmAlert[]).some((a) => a.labels.alertname === "QueueStuck");
          return still ? undefined : true;
        },
        60_000,
      );
    } finally {
      await feed.stop();
    }
  }, 120_000);
});
