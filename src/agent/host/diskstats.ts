/**
 * /proc/diskstats as node_exporter's `diskstats` collector: same names, bytes
 * from 512-byte sectors (the kernel's unit here whatever the device's sector
 * size), seconds from milliseconds, and its default device exclusion
 * (partitions, loop, ram and floppy devices).
 */
import type { Emit } from "./emit.js";
import { fields } from "./read.js";

/** node_exporter 1.5's `--collector.diskstats.device-exclude` default. */
export const DISK_DEVICE_EXCLUDE = /^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/;

const SECTOR = 512;
const MS = 0.001;

/** Per column after `major minor name`: metric name and scale. */
const COLUMNS: readonly (readonly [string, number])[] = [
  ["node_disk_reads_completed_total", 1],
  ["node_disk_reads_merged_total", 1],
  ["node_disk_read_bytes_total", SECTOR],
  ["node_disk_read_time_seconds_total", MS],
  ["node_disk_writes_completed_total", 1],
  ["node_disk_writes_merged_total", 1],
  ["node_disk_written_bytes_total", SECTOR],
  ["node_disk_write_time_seconds_total", MS],
  ["node_disk_io_now", 1],
  ["node_disk_io_time_seconds_total", MS],
  ["node_disk_io_time_weighted_seconds_total", MS],
  // Linux 4.18+
  ["node_disk_discards_completed_total", 1],
  ["node_disk_discards_merged_total", 1],
  ["node_disk_discarded_sectors_total", 1],
  ["node_disk_discard_time_seconds_total", MS],
  // Linux 5.5+
  ["node_disk_flush_requests_total", 1],
  ["node_disk_flush_requests_time_seconds_total", MS],
];

export function parseDiskstats(text: string, emit: Emit, exclude = DISK_DEVICE_EXCLUDE): void {
  for (const line of text.split("\n")) {
    const f = fields(line);
    if (f.length < 14) continue;
    const device = f[2];
    if (exclude.test(device)) continue;
    const labels = { device };
    const n = Math.min(COLUMNS.length, f.length - 3);
    for (let i = 0; i < n; i++) {
      const [name, scale] = COLUMNS[i];
      emit(name, labels, Number(f[i + 3]) * scale);
    }
  }
}
