import { mkdtempSync, rmSync } from "node:fs";
import { statfs } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { AgentSample } from "../types.js";
import { collectHostMetrics } from "./collect.js";
import { parseMounts } from "./filesystem.js";
import { cleanName } from "./sensors.js";

const TESTDATA = join(import.meta.dirname, "testdata");
const procRoot = join(TESTDATA, "proc");
const sysRoot = join(TESTDATA, "sys");
const NOW = 1_795_309_451_048;

const samples = await collectHostMetrics({ procRoot, sysRoot, now: NOW });

/** name{k="v",...} → value, labels sorted, for exact lookups. */
function key(name: string, labels: Readonly<Record<string, string>>): string {
  const l = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]}"`)
    .join(",");
  return `${name}{${l}}`;
}
const byKey = new Map(samples.map((s) => [key(s.name, s.labels), s.v]));
function v(name: string, labels: Record<string, string> = {}): number | undefined {
  return byKey.get(key(name, labels));
}
function named(prefix: string): AgentSample[] {
  return samples.filter((s) => s.name.startsWith(prefix));
}

describe("collectHostMetrics over fixture trees", () => {
  it("stamps every sample with the given time and emits no duplicate series", () => {
    expect(samples.every((s) => s.t === NOW)).toBe(true);
    expect(byKey.size).toBe(samples.length);
    expect(v("node_time_seconds")).toBe(1_795_309_451.048);
  });

  it("reads CPU seconds per cpu and mode from /proc/stat at USER_HZ=100, skipping the total line", () => {
    expect(v("node_cpu_seconds_total", { cpu: "0", mode: "user" })).toBe(6454.83);
    expect(v("node_cpu_seconds_total", { cpu: "0", mode: "nice" })).toBe(0.07);
    expect(v("node_cpu_seconds_total", { cpu: "0", mode: "system" })).toBe(410.68);
    expect(v("node_cpu_seconds_total", { cpu: "0", mode: "idle" })).toBe(6518.24);
    expect(v("node_cpu_seconds_total", { cpu: "0", mode: "iowait" })).toBe(28.09);
    expect(v("node_cpu_seconds_total", { cpu: "0", mode: "irq" })).toBe(0.03);
    expect(v("node_cpu_seconds_total", { cpu: "0", mode: "softirq" })).toBe(53.18);
    expect(v("node_cpu_seconds_total", { cpu: "0", mode: "steal" })).toBe(6.48);
    expect(v("node_cpu_seconds_total", { cpu: "1", mode: "idle" })).toBe(6678.26);
    expect(v("node_cpu_guest_seconds_total", { cpu: "0", mode: "user" })).toBe(1.2);
    expect(v("node_cpu_guest_seconds_total", { cpu: "0", mode: "nice" })).toBe(0.05);
    expect(named("node_cpu_seconds_total")).toHaveLength(16);
    expect(named("node_cpu_seconds_total").some((s) => s.labels.cpu === "")).toBe(false);
  });

  it("reads the /proc/stat counters and gauges", () => {
    expect(v("node_intr_total")).toBe(16_451_846);
    expect(v("node_context_switches_total")).toBe(38_321_677);
    expect(v("node_boot_time_seconds")).toBe(1_795_295_883);
    expect(v("node_forks_total")).toBe(151_351);
    expect(v("node_procs_running")).toBe(3);
    expect(v("node_procs_blocked")).toBe(1);
  });

  it("reads load averages and counts numeric /proc entries as pids", () => {
    expect(v("node_load1")).toBe(0.28);
    expect(v("node_load5")).toBe(0.65);
    expect(v("node_load15")).toBe(1.05);
    expect(v("node_processes_pids")).toBe(2);
  });

  it("names meminfo lines as node_exporter does: kB → bytes, (x) → _x, unitless kept", () => {
    expect(v("node_memory_MemTotal_bytes")).toBe(24_731_708 * 1024);
    expect(v("node_memory_MemAvailable_bytes")).toBe(20_912_300 * 1024);
    expect(v("node_memory_Active_anon_bytes")).toBe(912_340 * 1024);
    expect(v("node_memory_Inactive_file_bytes")).toBe(9_214_560 * 1024);
    expect(v("node_memory_SwapTotal_bytes")).toBe(2_097_148 * 1024);
    expect(v("node_memory_SwapFree_bytes")).toBe(2_097_148 * 1024);
    expect(v("node_memory_HugePages_Total")).toBe(0);
    expect(v("node_memory_Hugepagesize_bytes")).toBe(2048 * 1024);
    expect(named("node_memory_")).toHaveLength(13);
  });

  it("reads diskstats with node_exporter's units and default device exclusions", () => {
    const devices = new Set(named("node_disk_").map((s) => s.labels.device));
    expect([...devices].sort()).toEqual(["nvme0n1", "vda", "zram0"]);
    const vda = { device: "vda" };
    expect(v("node_disk_reads_completed_total", vda)).toBe(57_312);
    expect(v("node_disk_reads_merged_total", vda)).toBe(13_876);
    expect(v("node_disk_read_bytes_total", vda)).toBe(5_534_162 * 512);
    expect(v("node_disk_read_time_seconds_total", vda)).toBeCloseTo(15.805, 9);
    expect(v("node_disk_writes_completed_total", vda)).toBe(384_042);
    expect(v("node_disk_written_bytes_total", vda)).toBe(127_677_008 * 512);
    expect(v("node_disk_write_time_seconds_total", vda)).toBeCloseTo(478.191, 9);
    expect(v("node_disk_io_now", vda)).toBe(2);
    expect(v("node_disk_io_time_seconds_total", vda)).toBeCloseTo(85.488, 9);
    expect(v("node_disk_io_time_weighted_seconds_total", vda)).toBeCloseTo(544.104, 9);
    expect(v("node_disk_discards_completed_total", vda)).toBe(156_140);
    expect(v("node_disk_discarded_sectors_total", vda)).toBe(280_842_096);
    expect(v("node_disk_flush_requests_total", vda)).toBe(100_088);
    expect(v("node_disk_flush_requests_time_seconds_total", vda)).toBeCloseTo(7.012, 9);
    // A pre-4.18 kernel line (11 columns): no discard or flush series.
    expect(named("node_disk_").filter((s) => s.labels.device === "nvme0n1")).toHaveLength(11);
    expect(v("node_disk_discards_completed_total", { device: "nvme0n1" })).toBeUndefined();
  });

  it("reads every /proc/net/dev column per interface, loopback excluded", () => {
    const eth0 = { device: "eth0" };
    expect(v("node_network_receive_bytes_total", eth0)).toBe(1_222_784_472);
    expect(v("node_network_receive_packets_total", eth0)).toBe(48_254);
    expect(v("node_network_receive_errs_total", eth0)).toBe(1);
    expect(v("node_network_receive_drop_total", eth0)).toBe(2);
    expect(v("node_network_receive_multicast_total", eth0)).toBe(6);
    expect(v("node_network_transmit_bytes_total", eth0)).toBe(3_312_678);
    expect(v("node_network_transmit_packets_total", eth0)).toBe(29_539);
    expect(v("node_network_transmit_errs_total", eth0)).toBe(7);
    expect(v("node_network_transmit_drop_total", eth0)).toBe(8);
    expect(v("node_network_transmit_colls_total", eth0)).toBe(10);
    expect(v("node_network_transmit_compressed_total", eth0)).toBe(12);
    expect(named("node_network_")).toHaveLength(16);
  });

  it("reports filesystems from the mounts file with statfs values, ro flag and device errors", async () => {
    const root = { device: "/dev/vda", fstype: "ext4", mountpoint: "/" };
    const s = await statfs("/");
    expect(v("node_filesystem_size_bytes", root)).toBe(s.blocks * s.bsize);
    expect(v("node_filesystem_files", root)).toBe(s.files);
    expect(v("node_filesystem_readonly", root)).toBe(0);
    expect(v("node_filesystem_device_error", root)).toBe(0);
    // `\040` unescaped; the mount point does not exist here, so statfs fails.
    const backup = { device: "/dev/sdb1", fstype: "ext4", mountpoint: "/srv/backup disk" };
    expect(v("node_filesystem_readonly", backup)).toBe(1);
    expect(v("node_filesystem_device_error", backup)).toBe(1);
    expect(v("node_filesystem_size_bytes", backup)).toBeUndefined();
    const mountpoints = new Set(named("node_filesystem_").map((x) => x.labels.mountpoint));
    expect([...mountpoints].sort()).toEqual(["/", "/srv/backup disk"]);
  });

  it("reads hwmon temperatures with node_exporter's chip naming, and thermal zones", () => {
    const chip = "platform_coretemp_0";
    expect(v("node_hwmon_temp_celsius", { chip, sensor: "temp1" })).toBe(45);
    expect(v("node_hwmon_temp_celsius", { chip, sensor: "temp2" })).toBe(39.5);
    expect(v("node_hwmon_temp_crit_celsius", { chip, sensor: "temp1" })).toBe(100);
    expect(v("node_hwmon_temp_max_celsius", { chip, sensor: "temp1" })).toBe(84);
    expect(v("node_hwmon_chip_names", { chip, chip_name: "coretemp" })).toBe(1);
    expect(v("node_hwmon_sensor_label", { chip, label: "Package id 0", sensor: "temp1" })).toBe(1);
    expect(named("node_hwmon_")).toHaveLength(6);
    expect(v("node_thermal_zone_temp", { type: "x86_pkg_temp", zone: "0" })).toBe(47);
    expect(named("node_thermal_")).toHaveLength(1);
  });
});

describe("hosts without sensors or sources", () => {
  const empty = mkdtempSync(join(tmpdir(), "reddot-host-empty-"));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it("emits no temperature series when /sys has no hwmon or thermal class (virtual machines)", async () => {
    const got = await collectHostMetrics({ procRoot, sysRoot: empty, now: NOW });
    expect(got.some((s) => s.name.startsWith("node_hwmon_"))).toBe(false);
    expect(got.some((s) => s.name.startsWith("node_thermal_"))).toBe(false);
    expect(got.some((s) => s.name === "node_load1")).toBe(true);
  });

  it("skips missing /proc files instead of failing", async () => {
    const got = await collectHostMetrics({ procRoot: empty, sysRoot: empty, now: NOW });
    expect(got.map((s) => s.name)).toEqual(["node_processes_pids", "node_time_seconds"]);
  });
});

describe("parsers", () => {
  it("parseMounts drops duplicates and honours the default exclusions", () => {
    const m = parseMounts(
      "tmpfs /run tmpfs rw 0 0\n/dev/a /data xfs rw,noatime 0 0\n/dev/a /data xfs rw,noatime 0 0\n/dev/b /data\\011tab xfs ro 0 0\n",
    );
    expect(m).toEqual([
      { device: "/dev/a", mountpoint: "/data", fstype: "xfs", readonly: false },
      { device: "/dev/b", mountpoint: "/data\ttab", fstype: "xfs", readonly: true },
    ]);
  });

  it("cleanName mirrors node_exporter's metric-name cleaning", () => {
    expect(cleanName("coretemp.0")).toBe("coretemp_0");
    expect(cleanName("0000:00:18.3")).toBe("0000:00:18_3");
    expect(cleanName("-ACPI-")).toBe("acpi");
  });
});
