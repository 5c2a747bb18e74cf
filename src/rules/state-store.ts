import type { Kysely, Transaction } from "kysely";
import type { MetaDb, MetaSchema } from "../meta/index.js";
import type { AlertState, AlertStateChange, AlertStateStore, StoredAlertState } from "./types.js";

const STATES: ReadonlySet<string> = new Set<AlertState>(["inactive", "pending", "firing"]);

/**
 * Alert state in the metadata DB's `alert_state` table: one row per alert,
 * keyed by (rule_key, fingerprint). `save` replaces a rule's rows in one
 * transaction; `apply` writes several rules' changes (only the rows that
 * changed) in one transaction, so one fsync per group evaluation. Rows that do not validate (a hand-edited or foreign DB) are
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
    await this.apply([{ ruleKey, replace: true, upsert: alerts, remove: [] }]);
  }

  async apply(changes: readonly AlertStateChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.meta.db.transaction().execute(async (tx) => {
      for (const c of changes) {
        if (c.replace) {
          await tx.deleteFrom("alert_state").where("rule_key", "=", c.ruleKey).execute();
        } else {
          for (let i = 0; i < c.remove.length; i += CHUNK) {
            await tx
              .deleteFrom("alert_state")
              .where("rule_key", "=", c.ruleKey)
              .where("fingerprint", "in", c.remove.slice(i, i + CHUNK))
              .execute();
          }
        }
        for (let i = 0; i < c.upsert.length; i += CHUNK) {
          await upsertRows(tx, c.ruleKey, c.upsert.slice(i, i + CHUNK));
        }
      }
    });
  }
}

/** Rows per statement: well under SQLite's bound on parameters (11 per row). */
const CHUNK = 500;

async function upsertRows(
  tx: Transaction<MetaSchema> | Kysely<MetaSchema>,
  ruleKey: string,
  alerts: readonly StoredAlertState[],
): Promise<void> {
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
    .onConflict((oc) =>
      oc.columns(["rule_key", "fingerprint"]).doUpdateSet((eb) => ({
        labels: eb.ref("excluded.labels"),
        annotations: eb.ref("excluded.annotations"),
        state: eb.ref("excluded.state"),
        active_at: eb.ref("excluded.active_at"),
        fired_at: eb.ref("excluded.fired_at"),
        resolved_at: eb.ref("excluded.resolved_at"),
        last_sent_at: eb.ref("excluded.last_sent_at"),
        keep_firing_since: eb.ref("excluded.keep_firing_since"),
        value: eb.ref("excluded.value"),
      })),
    )
    .execute();
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
