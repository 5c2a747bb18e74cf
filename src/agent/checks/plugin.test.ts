import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isReddotError } from "../../lib/errors.js";
import type { PluginCheckSpec } from "../types.js";
import { assertPluginCommand, resolvePlugin, runPlugin } from "./plugin.js";

// Debian's monitoring-plugins-basic (installed here and on CI, see the CI setup).
const NAGIOS = "/usr/lib/nagios/plugins";

function spec(command: string, args: readonly string[] = [], timeoutMs = 20_000): PluginCheckSpec {
  return { kind: "plugin", name: `t_${command}`, intervalMs: 10_000, timeoutMs, command, args };
}

let tmp: string;
let own: string;

function plugin(name: string, body: string, mode = 0o755): string {
  const path = join(own, name);
  writeFileSync(path, body);
  chmodSync(path, mode);
  return path;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "reddot-plugin-"));
  own = join(tmp, "plugins");
  mkdirSync(own);
  try {
    readFileSync(join(NAGIOS, "check_dummy"));
  } catch {
    throw new Error(
      `${NAGIOS}/check_dummy is missing: install monitoring-plugins-basic (apt-get install monitoring-plugins-basic)`,
    );
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("runPlugin with monitoring-plugins-basic", () => {
  const dirs = { pluginDirs: [NAGIOS] };

  it("check_dummy: each exit code and its text", async () => {
    const want = ["OK: all good", "WARNING: all good", "CRITICAL: all good", "UNKNOWN: all good"];
    for (const code of [0, 1, 2, 3]) {
      const r = await runPlugin(spec("check_dummy", [String(code), "all good"]), dirs);
      expect(r).toMatchObject({
        check: "t_check_dummy",
        status: code,
        output: want[code],
        longOutput: "",
        perfdata: [],
      });
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
      expect(r.startedAt).toBeGreaterThan(0);
    }
  });

  it("check_load: load1/5/15 perfdata with warn and crit", async () => {
    const r = await runPlugin(
      spec("check_load", ["-w", "500,400,300", "-c", "1000,800,600"]),
      dirs,
    );
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/^LOAD OK/);
    expect(r.perfdata.map((d) => d.label)).toEqual(["load1", "load5", "load15"]);
    expect(r.perfdata.map((d) => [d.warn, d.crit])).toEqual([
      ["500.000", "1000.000"],
      ["400.000", "800.000"],
      ["300.000", "600.000"],
    ]);
    for (const d of r.perfdata) expect(d).toMatchObject({ uom: "", min: 0 });
  });

  it("check_disk on /: bytes with thresholds, min and max", async () => {
    // The status depends on how full this machine's / is; the shape of the output does not.
    const r = await runPlugin(spec("check_disk", ["-w", "10%", "-c", "5%", "-p", "/"]), dirs);
    expect(r.output).toMatch(/^DISK (OK|WARNING|CRITICAL)/);
    const root = r.perfdata.find((d) => d.label === "/");
    expect(root).toBeDefined();
    expect(root?.uom).toBe("B");
    expect(root?.min).toBe(0);
    expect(Number(root?.warn)).toBeGreaterThan(0);
    expect(Number(root?.crit)).toBeGreaterThan(0);
    expect(root?.max).toBeGreaterThan(0);
    expect(root?.value).toBeLessThanOrEqual(root?.max ?? 0);
  });

  it("check_procs: process count", async () => {
    const r = await runPlugin(spec("check_procs"), dirs);
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/^PROCS OK: \d+ processes/);
    expect(r.perfdata[0]).toMatchObject({ label: "procs", uom: "", min: 0 });
    expect(r.perfdata[0]?.value).toBeGreaterThan(0);
  });

  it("check_file_age: OK for a fresh file, CRITICAL once its mtime is old", async () => {
    const f = join(tmp, "backup.tar");
    writeFileSync(f, "x".repeat(10));
    const args = ["-w", "3600", "-c", "7200", "-f", f];
    const fresh = await runPlugin(spec("check_file_age", args), dirs);
    expect(fresh.status).toBe(0);
    expect(fresh.perfdata.find((d) => d.label === "age")).toMatchObject({
      uom: "s",
      warn: "3600",
      crit: "7200",
    });
    expect(fresh.perfdata.find((d) => d.label === "size")).toMatchObject({ value: 10, uom: "B" });
    const old = (Date.now() - 3 * 3600 * 1000) / 1000;
    utimesSync(f, old, old);
    const stale = await runPlugin(spec("check_file_age", args), dirs);
    expect(stale.status).toBe(2);
    expect(stale.output).toMatch(/^FILE_AGE CRITICAL/);
    expect(stale.perfdata.find((d) => d.label === "age")?.value).toBeGreaterThanOrEqual(3 * 3600);
  });

  describe("check_http against a local server", () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer((_req, res) => res.end("hello reddot\n"));
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const a = server.address();
      port = typeof a === "object" && a !== null ? a.port : 0;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("check_ftp (a symlink to check_tcp) runs under its own name", async () => {
      const sockets = new Set<Socket>();
      const ftp = createNetServer((s) => {
        sockets.add(s);
        s.on("error", () => {});
        s.end("220 reddot test ftp\r\n");
      });
      await new Promise<void>((r) => ftp.listen(0, "127.0.0.1", r));
      const a = ftp.address();
      const p = typeof a === "object" && a !== null ? a.port : 0;
      try {
        const r = await runPlugin(spec("check_ftp", ["-H", "127.0.0.1", "-p", String(p)]), dirs);
        expect(r.status).toBe(0);
        expect(r.output).toMatch(/^FTP OK/);
      } finally {
        for (const s of sockets) s.destroy();
        await new Promise<void>((r) => ftp.close(() => r()));
      }
    });

    it("is OK for a 200 with time and size perfdata", async () => {
      const r = await runPlugin(
        spec("check_http", ["-H", "127.0.0.1", "-p", String(port), "-s", "reddot"]),
        dirs,
      );
      expect(r.status).toBe(0);
      expect(r.output).toMatch(/^HTTP OK: HTTP\/1\.1 200 OK/);
      expect(r.perfdata.find((d) => d.label === "time")?.uom).toBe("s");
      expect(r.perfdata.find((d) => d.label === "size")?.uom).toBe("B");
    });

    it("is CRITICAL for a closed port", async () => {
      // A port that was just free: bind, read its number, close.
      const probe = createNetServer();
      await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
      const a = probe.address();
      const closed = typeof a === "object" && a !== null ? a.port : 0;
      await new Promise<void>((r) => probe.close(() => r()));
      const r = await runPlugin(
        spec("check_http", ["-H", "127.0.0.1", "-p", String(closed)]),
        dirs,
      );
      expect(r.status).toBe(2);
      expect(`${r.output}\n${r.longOutput}`).toMatch(/Connection refused/);
    });
  });
});

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie waiting for its reaper is dead
  } catch {
    return false;
  }
}

async function waitGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe("runPlugin with plugins written for the test", () => {
  const opts = () => ({ pluginDirs: [own] });

  it("times out, kills the whole process group and says so", async () => {
    const pidFile = join(tmp, "child.pid");
    plugin("sleeper", `#!/bin/sh\nsleep 300 &\necho $! > ${pidFile}\necho "started"\nwait\n`);
    const r = await runPlugin(spec("sleeper", [], 2000), { ...opts(), killGraceMs: 500 });
    expect(r.status).toBe(3);
    expect(r.output).toBe("killed by SIGTERM after 2 s timeout; partial output: started");
    const child = Number(readFileSync(pidFile, "utf8"));
    expect(child).toBeGreaterThan(0);
    expect(await waitGone(child)).toBe(true);
  });

  it("uses SIGKILL when the plugin ignores SIGTERM", async () => {
    plugin("stubborn", `#!/bin/sh\ntrap '' TERM\nwhile :; do sleep 1; done\n`);
    const r = await runPlugin(spec("stubborn", [], 2000), { ...opts(), killGraceMs: 300 });
    expect(r).toMatchObject({ status: 3, output: "killed by SIGKILL after 2 s timeout" });
  });

  it("reports a plugin that stops cleanly when told to, after its timeout", async () => {
    plugin(
      "polite",
      `#!/bin/sh\ntrap 'echo "UNKNOWN: interrupted"; exit 3' TERM\necho ready\nwhile :; do sleep 0.1; done\n`,
    );
    const r = await runPlugin(spec("polite", [], 2000), opts());
    expect(r.status).toBe(3);
    expect(r.output).toBe(
      "plugin timed out after 2 s and exited with code 3 when told to stop; partial output: ready",
    );
  });

  it("a child left running by a plugin that exited is killed, and the result stands", async () => {
    const pidFile = join(tmp, "orphan.pid");
    plugin(
      "leaver",
      `#!/bin/sh\nsleep 300 &\necho $! > ${pidFile}\necho "OK left a child"\nexit 0\n`,
    );
    const r = await runPlugin(spec("leaver"), opts());
    expect(r).toMatchObject({ status: 0, output: "OK left a child" });
    expect(await waitGone(Number(readFileSync(pidFile, "utf8")))).toBe(true);
  });

  it("exit code 7 is UNKNOWN and names the code", async () => {
    plugin("seven", "#!/bin/sh\necho 'OK but odd | a=1'\nexit 7\n");
    const r = await runPlugin(spec("seven"), opts());
    expect(r).toMatchObject({ status: 3, output: "plugin exited with code 7: OK but odd" });
  });

  it("1 MiB of output is capped and UNKNOWN", async () => {
    plugin(
      "chatty",
      "#!/bin/sh\necho 'OK lots'\nhead -c 1048576 /dev/zero | tr '\\0' 'x'\nexit 0\n",
    );
    const r = await runPlugin(spec("chatty"), opts());
    expect(r.status).toBe(3);
    expect(r.output).toMatch(
      /^plugin output exceeded 64 KiB \(\d+ bytes discarded; exit code 0\): OK lots$/,
    );
    expect(r.longOutput.length).toBeLessThanOrEqual(64 * 1024 + 100);
    expect(r.longOutput).toMatch(/\[\d+ bytes of output over the limit discarded\]$/);
  });

  it("honours a smaller maxOutputBytes", async () => {
    plugin(
      "medium",
      "#!/bin/sh\necho 'OK medium'\necho 0123456789012345678901234567890123456789\n",
    );
    const r = await runPlugin(spec("medium"), { ...opts(), maxOutputBytes: 20 });
    expect(r.output).toBe(
      "plugin output exceeded 20 bytes (31 bytes discarded; exit code 0): OK medium",
    );
  });

  it("binary garbage is UNKNOWN", async () => {
    plugin("garbage", "#!/bin/sh\nhead -c 4096 /bin/sh\n");
    const r = await runPlugin(spec("garbage"), opts());
    expect(r).toMatchObject({
      status: 3,
      output: "plugin output is not text (plugin exited with code 0)",
      perfdata: [],
    });
  });

  it("reads long output and perfdata on later lines, with arguments passed as a list", async () => {
    plugin(
      "multi",
      `#!/bin/sh\nprintf 'WARNING - %s\\n' "$1"\necho "detail one"\necho "detail two | 'a b'=1s;2;3"\necho "c=4%;;;0;100"\nexit 1\n`,
    );
    const r = await runPlugin(spec("multi", ["two words; $(rm -rf /) | x=1"]), opts());
    expect(r).toMatchObject({
      status: 1,
      output: "WARNING - two words; $(rm -rf /)",
      longOutput: "detail one\ndetail two",
    });
    expect(r.perfdata).toEqual([
      { label: "x", value: 1, uom: "" },
      { label: "a b", value: 1, uom: "s", warn: "2", crit: "3" },
      { label: "c", value: 4, uom: "%", min: 0, max: 100 },
    ]);
  });

  it("keeps good perfdata, skips malformed items and says how many", async () => {
    plugin("sloppy", "#!/bin/sh\necho 'OK | good=1ms bad=1,5 worse=x unknown=U also=2%'\n");
    const r = await runPlugin(spec("sloppy"), opts());
    expect(r).toMatchObject({
      status: 0,
      output: "OK",
      longOutput: "[2 malformed perfdata items skipped]",
    });
    expect(r.perfdata.map((d) => d.label)).toEqual(["good", "also"]);
  });

  it("runs with a minimal environment plus the configured variables", async () => {
    plugin("env", '#!/bin/sh\necho "OK $PATH $LANG $EXTRA [$HOME]"\n');
    const r = await runPlugin(spec("env"), { ...opts(), env: { EXTRA: "yes" } });
    expect(r.output).toBe("OK /usr/sbin:/usr/bin:/sbin:/bin C yes []");
  });

  it("stdin is closed", async () => {
    plugin(
      "reader",
      "#!/bin/sh\nif read line; then echo \"CRITICAL read $line\"; exit 2; fi\necho 'OK eof'\n",
    );
    expect((await runPlugin(spec("reader"), opts())).output).toBe("OK eof");
  });

  it("refuses names with / or .. and never runs them", async () => {
    for (const name of ["../plugins/seven", "/bin/true", "sub/x", "..", "a..b", "x\u0000y", ""]) {
      const r = await runPlugin(spec(name), opts());
      expect(r.status).toBe(3);
      expect(r.output).toMatch(/plugin command/);
    }
  });

  it("refuses a symlink that escapes the plugin directory", async () => {
    const target = realpathSync("/bin/true");
    symlinkSync(target, join(own, "escape"));
    const r = await runPlugin(spec("escape"), opts());
    expect(r.status).toBe(3);
    expect(r.output).toBe(
      `plugin escape in ${own} resolves to ${target}, outside the plugin directory`,
    );
  });

  it("follows a symlink that stays inside", async () => {
    symlinkSync("seven", join(own, "seven-link"));
    expect((await runPlugin(spec("seven-link"), opts())).output).toBe(
      "plugin exited with code 7: OK but odd",
    );
  });

  it("a non-executable file, a directory and a missing plugin are UNKNOWN", async () => {
    plugin("noexec", "#!/bin/sh\necho OK\n", 0o644);
    mkdirSync(join(own, "adir"));
    expect(await runPlugin(spec("noexec"), opts())).toMatchObject({
      status: 3,
      output: `plugin noexec in ${own} is not executable (EACCES)`,
    });
    expect((await runPlugin(spec("adir"), opts())).output).toBe(
      `plugin adir in ${own} is not a regular file`,
    );
    expect((await runPlugin(spec("nosuch"), { pluginDirs: [own, "/nonexistent"] })).output).toBe(
      `plugin nosuch not found in ${own}, /nonexistent`,
    );
  });

  it("a plugin that cannot be executed (bad interpreter) is UNKNOWN", async () => {
    plugin("badinterp", "#!/nonexistent/interpreter\n");
    const r = await runPlugin(spec("badinterp"), opts());
    expect(r.status).toBe(3);
    expect(r.output).toMatch(/^plugin badinterp could not be started: .*ENOENT/);
  });

  it("searches directories in order", async () => {
    const r = await resolvePlugin("check_dummy", [own, NAGIOS]);
    expect(r).toEqual({ ok: true, path: `${NAGIOS}/check_dummy`, argv0: `${NAGIOS}/check_dummy` });
  });
});

describe("assertPluginCommand", () => {
  it("throws RD_PLUGIN_COMMAND naming the place", () => {
    expect(() => assertPluginCommand("check_disk", "checks/disk.yaml: command")).not.toThrow();
    try {
      assertPluginCommand("../x", "checks/disk.yaml: command");
      expect.unreachable();
    } catch (e) {
      expect(isReddotError(e) && e.code).toBe("RD_PLUGIN_COMMAND");
      expect((e as Error).message).toBe(
        'checks/disk.yaml: command: plugin command "../x" must be a file name, not a path',
      );
    }
  });
});
