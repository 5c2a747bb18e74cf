import { bug } from "../../lib/errors.js";
import { checksSection } from "./checks-section.js";
import { heartbeatsSection } from "./heartbeats-section.js";
import { hostsSection } from "./hosts-section.js";
import { maintenanceSection } from "./maintenance-section.js";
import { notifySection } from "./notify-section.js";
import { rolesSection } from "./roles-section.js";
import { rulesSection } from "./rules-section.js";
import { scrapeSection } from "./scrape-section.js";
import type { ConfigSection } from "./section.js";
import { serverSection } from "./server-section.js";

/**
 * Every part of the config repo reddot reads, in load order: `server` first,
 * because other sections take defaults from reddot.yaml. A top-level entry no
 * section claims is reported as unknown.
 */
export const CONFIG_SECTIONS: readonly ConfigSection[] = [
  serverSection,
  scrapeSection,
  // checks before roles before hosts: each refers to names the one before defines.
  checksSection,
  rolesSection,
  hostsSection,
  notifySection,
  maintenanceSection,
  rulesSection,
  heartbeatsSection,
];

/** Throws BUG when two sections share an id or an entry (a programming error). */
export function checkSectionRegistry(sections: readonly ConfigSection[]): void {
  const ids = new Set<string>();
  const entries = new Set<string>();
  for (const s of sections) {
    if (ids.has(s.id)) throw bug("duplicate config section id", { id: s.id });
    if (entries.has(s.entry)) throw bug("two config sections own one entry", { entry: s.entry });
    ids.add(s.id);
    entries.add(s.entry);
  }
}
