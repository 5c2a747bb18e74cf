/**
 * /proc/net/dev as node_exporter's `netdev` collector: one counter per column
 * and interface, `node_network_{receive,transmit}_<column>_total{device}`.
 */
import type { Emit } from "./emit.js";
import { fields } from "./read.js";

/** Debian node_exporter 1.5's `--collector.netdev.device-exclude` default. */
export const NET_DEVICE_EXCLUDE = /^lo$/;

const RECEIVE = ["bytes", "packets", "errs", "drop", "fifo", "frame", "compressed", "multicast"];
const TRANSMIT = ["bytes", "packets", "errs", "drop", "fifo", "colls", "carrier", "compressed"];
const NAMES = [
  ...RECEIVE.map((c) => `node_network_receive_${c}_total`),
  ...TRANSMIT.map((c) => `node_network_transmit_${c}_total`),
];

export function parseNetDev(text: string, emit: Emit, exclude = NET_DEVICE_EXCLUDE): void {
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue; // the two header lines have `|`, not `:`
    const device = line.slice(0, colon).trim();
    if (device === "" || exclude.test(device)) continue;
    const f = fields(line.slice(colon + 1));
    if (f.length < NAMES.length) continue;
    const labels = { device };
    for (let i = 0; i < NAMES.length; i++) emit(NAMES[i], labels, Number(f[i]));
  }
}
