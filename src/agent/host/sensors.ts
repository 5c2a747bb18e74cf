/**
 * Temperatures: /sys/class/hwmon as node_exporter's `hwmon` collector
 * (temperature sensors only) and /sys/class/thermal as its `thermal_zone`
 * collector. Virtual machines usually have neither: then nothing is emitted.
 */
import { readdir, realpath } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Emit } from "./emit.js";
import { readText } from "./read.js";

/** node_exporter's cleanMetricName: lower case, `[^a-z0-9:_]` → `_`, trimmed of `_`. */
export function cleanName(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9:_]/g, "_")
    .replace(/^_+|_+$/g, "");
}

async function readTrimmed(path: string): Promise<string | undefined> {
  return (await readText(path, 4096))?.trim();
}

/**
 * The `chip` label: from the device's real path (`platform_coretemp_0`,
 * `pci0000:00_0000:00:18_3`), else the `name` file, else `hwmonN`; the same
 * preference order as node_exporter, so the label is stable across reboots.
 */
export async function hwmonChip(dir: string): Promise<string> {
  try {
    const dev = await realpath(join(dir, "device"));
    const name = cleanName(basename(dev));
    const type = cleanName(basename(dirname(dev)));
    if (type !== "" && name !== "") return `${type}_${name}`;
    if (name !== "") return name;
  } catch {
    // no device link
  }
  const name = cleanName((await readTrimmed(join(dir, "name"))) ?? "");
  if (name !== "") return name;
  return cleanName(basename(await realpath(dir).catch(() => dir)));
}

const TEMP_FILE = /^temp(\d+)_(input|crit|max|label)$/;
const TEMP_METRIC: Readonly<Record<string, string>> = {
  input: "node_hwmon_temp_celsius",
  crit: "node_hwmon_temp_crit_celsius",
  max: "node_hwmon_temp_max_celsius",
};

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

export async function collectHwmon(sysRoot: string, emit: Emit): Promise<void> {
  const base = join(sysRoot, "class/hwmon");
  for (const entry of (await listDir(base)).sort()) {
    const dir = join(base, entry);
    const chip = await hwmonChip(dir);
    const human = cleanName((await readTrimmed(join(dir, "name"))) ?? "");
    if (human !== "") emit("node_hwmon_chip_names", { chip, chip_name: human }, 1);
    // Older drivers put their attributes under device/; node_exporter reads both.
    for (const d of [dir, join(dir, "device")]) {
      for (const file of (await listDir(d)).sort()) {
        const m = TEMP_FILE.exec(file);
        if (m === null) continue;
        const sensor = `temp${m[1]}`;
        const raw = await readTrimmed(join(d, file));
        if (raw === undefined || raw === "") continue;
        if (m[2] === "label") {
          emit("node_hwmon_sensor_label", { chip, label: cleanLabel(raw), sensor }, 1);
          continue;
        }
        const v = Number(raw);
        if (Number.isFinite(v)) emit(TEMP_METRIC[m[2]], { chip, sensor }, v / 1000);
      }
    }
  }
}

/** Sensor labels keep their text; node_exporter only trims them. */
function cleanLabel(s: string): string {
  return s.trim();
}

/** /sys/class/thermal/thermal_zoneN/{type,temp} → node_thermal_zone_temp{type,zone="N"} in °C. */
export async function collectThermal(sysRoot: string, emit: Emit): Promise<void> {
  const base = join(sysRoot, "class/thermal");
  for (const entry of (await listDir(base)).sort()) {
    if (!entry.startsWith("thermal_zone")) continue;
    const type = await readTrimmed(join(base, entry, "type"));
    const temp = await readTrimmed(join(base, entry, "temp"));
    if (type === undefined || temp === undefined || temp === "") continue;
    const v = Number(temp);
    if (Number.isFinite(v)) {
      emit("node_thermal_zone_temp", { type, zone: entry.slice("thermal_zone".length) }, v / 1000);
    }
  }
}
