import type { AlertStateStore, StoredAlertState } from "./types.js";

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
}
