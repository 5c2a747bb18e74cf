/**
 * An incident end to end, with a real SMTP server counting messages: a rule
 * fires on remote-written data, one email goes out; a config reload, a clean
 * restart and a SIGKILL restart during the incident send nothing more; the
 * resolution sends exactly one "resolved" email. Alert state, notification
 * log and silences live in the metadata DB, so the restarts change nothing.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFeeder } from "./support/feeder.js";
import {
  eventually,
  removeDir,
  sleep,
  startReddot,
  type TestProcess,
  tempDir,
} from "./support/processes.js";

interface Mail {
  subject: string;
  to: string;
  text: string;
  html: string;
}

const mails: Mail[] = [];
let smtp: SMTPServer;
let smtpPort = 0;
const procs: TestProcess[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((m) => {
          mails.push({
            subject: m.subject ?? "",
            to: Array.isArray(m.to) ? m.to.map((a) => a.text).join(",") : (m.to?.text ?? ""),
            text: m.text ?? "",
            html: typeof m.html === "string" ? m.html : "",
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpPort = (smtp.server.address() as { port: number }).port;
});

afterAll(async () => {
  for (const p of procs) await p.stop("SIGKILL");
  for (const d of dirs) removeDir(d);
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

function configRepo(): string {
  const dir = tempDir("reddot-alerts-config-");
  dirs.push(dir);
  writeFileSync(join(dir, "reddot.yaml"), "scrape:\n  self:\n    enabled: false\n");
  mkdirSync(join(dir, "rules"));
  writeFileSync(
    join(dir, "rules", "test.yaml"),
    [
      "groups:",
      "  - name: incident",
      "    interval: 1s",
      "    rules:",
      "      - alert: DiskOnFire",
      "        expr: disk_temperature_celsius > 90",
      "        labels:",
      "          severity: page",
      "        annotations:",
      '          summary: "disk {{ $labels.disk }} at {{ $value }} degrees"',
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(dir, "notify.yaml"),
    [
      "global:",
      `  smtp_smarthost: 127.0.0.1:${smtpPort}`,
      "  smtp_from: reddot@example.org",
      "  smtp_require_tls: false",
      "route:",
      "  receiver: ops",
      "  group_by: [alertname]",
      "  group_wait: 1s",
      "  group_interval: 2s",
      "  repeat_interval: 4h",
      "receivers:",
      "  - name: ops",
      "    email_configs:",
      "      - to: ops@example.org",
      "        send_resolved: true",
      "",
    ].join("\n"),
  );
  return dir;
}

describe("an incident by email across reloads and restarts", () => {
  it("sends one firing and one resolved email, whatever happens in between", async () => {
    const config = configRepo();
    let server = await startReddot(["--config", config]);
    procs.push(server.proc);
    dirs.push(server.dataDir);
    let temperature = 95;
    const feed = startFeeder(
      () => server.url,
      { __name__: "disk_temperature_celsius", disk: "sda" },
      () => temperature,
    );
    try {
      const firing = await eventually("the firing email", async () => mails[0], 60_000);
      expect(firing.to).toContain("ops@example.org");
      expect(firing.subject).toContain("FIRING");
      expect(firing.subject).toContain("DiskOnFire");
      expect(firing.html).toContain("disk sda at 95 degrees");
      expect(firing.text).toContain("severity");

      // Reload, clean restart and SIGKILL restart while still firing: nothing new.
      expect((await fetch(`${server.url}/-/reload`, { method: "POST" })).status).toBe(200);
      await sleep(5000);
      for (const signal of ["SIGTERM", "SIGKILL"] as const) {
        await server.proc.stop(signal);
        server = await startReddot(["--config", config], server.dataDir, { port: server.port });
        procs.push(server.proc);
        // Past group_wait and several evaluations of the restored alert.
        await sleep(6000);
      }
      expect(mails.map((m) => m.subject)).toEqual([firing.subject]);

      // Resolution: one resolved email.
      temperature = 20;
      const resolved = await eventually("the resolved email", async () => mails[1], 60_000);
      expect(resolved.subject).toContain("RESOLVED");
      await sleep(6000);
      expect(mails).toHaveLength(2);
    } finally {
      await feed.stop();
    }
  }, 180_000);
});
