import type { MaintenanceWindow } from "../config/index.js";
import { matchesLabels } from "./matchers.js";

/**
 * Names of the maintenance windows open at `now` whose matchers all accept
 * `labels`, in the order given. A window is open from its start (inclusive)
 * to its end (exclusive), exactly as config's `windowOpen`; the check is
 * written out here because config imports notify at run time, and notify
 * depending on config only for types keeps the modules free of a cycle
 * (a test pins the two to the same answer).
 */
export function maintenanceMutedBy(
  windows: readonly MaintenanceWindow[],
  labels: Readonly<Record<string, string>>,
  now: number,
): string[] {
  const out: string[] = [];
  for (const w of windows) {
    if (now >= w.startsAt && now < w.endsAt && matchesLabels(w.matchers, labels)) out.push(w.name);
  }
  return out;
}
