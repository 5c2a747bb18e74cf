import type { MetaDb } from "../meta/index.js";
import type { AlertState, AlertStateStore, StoredAlertState } from "./types.js";

const STATES: ReadonlySet<string> = new Set<AlertState>(["inactive", "pending", "firing"]);

/**
 * Alert state in the metadata DB's `alert_state` table: one row per alert,
 * keyed by (rule_key, fingerprint). `save` replaces a rule's rows in one
 * transaction. Rows that do not validate (a hand-edited or foreign DB) are
 * skipped by `load` and reported through `onInvalid`.
 */
export class MetaAlertStateStore implements AlertStateStore {
  private readonly meta: MetaDb;
  private readonly onInvalid: (ruleKey: string, why: string) => void;

  constructor(meta: MetaDb, onInvalid: (ruleKey: string, why: string) => void = () => {}) {
    this.meta = meta;
    this.onInvalid = onInvalid;
  }

  async load(): Promise<StoredAlertState[]> {
    const rows = await this.meta.db.selectFrom("alert_state").selectAll().execute();
    const out: StoredAlertState[] = [];
    for (const r of rows) {
      const labels = parseStringMap(r.labels);
      const annotations = parseStringMap(r.annotations);
      if (labels === undefined || annotations === undefined || !STATES.has(r.state)) {
        this.onInvalid(r.rule_key, "bad labels, annotations or state");
        continue;
      }
      out.push({
        ruleKey: r.rule_key,
        fingerprint: r.fingerprint,
        labels,
        annotations,
        state: r.state as AlertState,
        activeAt: r.active_at,
        ...(r.fired_at !== null ? { firedAt: r.fired_at } : {}),
        ...(r.resolved_at !== null ? { resolvedAt: r.resolved_at } : {}),
        ...(r.last_sent_at !== null ? { lastSentAt: r.last_sent_at } : {}),
        ...(r.keep_firing_since !== null ? { keepFiringSince: r.keep_firing_since } : {}),
        value: r.value,
      });
    }
    return out;
  }

  async save(ruleKey: string, alerts: readonly StoredAlertState[]): Promise<void> {
    await this.meta.db.transaction().execute(async (tx) => {
      await tx.deleteFrom("alert_state").where("rule_key", "=", ruleKey).execute();
      if (alerts.length === 0) return;
      await tx
        .insertInto("alert_state")
        .values(
          alerts.map((a) => ({
            rule_key: ruleKey,
            fingerprint: a.fingerprint,
            labels: JSON.stringify(a.labels),
            annotations: JSON.stringify(a.annotations),
            state: a.state,
            active_at: a.activeAt,
            fired_at: a.firedAt ?? null,
            resolved_at: a.resolvedAt ?? null,
            last_sent_at: a.lastSentAt ?? null,
            keep_firing_since: a.keepFiringSince ?? null,
            // SQLite stores NaN as NULL; the value is informational only.
            value: Number.isFinite(a.value) ? a.value : 0,
          })),
        )
        .execute();
    });
  }
}

function parseStringMap(text: string): Record<string, string> | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    if (e instanceof SyntaxError) return undefined;
    throw e;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== "string") return undefined;
    out[k] = x;
  }
  return out;
}
