import type { AlertStateChange, AlertStateStore, StoredAlertState } from "./types.js";

/** An AlertStateStore in memory: for tests, and for servers without a metadata DB. */
export class MemoryAlertStateStore implements AlertStateStore {
  private readonly byRule = new Map<string, StoredAlertState[]>();

  async load(): Promise<StoredAlertState[]> {
    return [...this.byRule.values()].flat().map((s) => structuredClone(s));
  }

  async save(ruleKey: string, alerts: readonly StoredAlertState[]): Promise<void> {
    if (alerts.length === 0) this.byRule.delete(ruleKey);
    else
      this.byRule.set(
        ruleKey,
        alerts.map((s) => structuredClone(s)),
      );
  }

  async apply(changes: readonly AlertStateChange[]): Promise<void> {
    for (const c of changes) {
      const byFp = new Map(
        c.replace ? [] : (this.byRule.get(c.ruleKey) ?? []).map((s) => [s.fingerprint, s]),
      );
      for (const fp of c.remove) byFp.delete(fp);
      for (const s of c.upsert) byFp.set(s.fingerprint, structuredClone(s));
      await this.save(c.ruleKey, [...byFp.values()]);
    }
  }
}
