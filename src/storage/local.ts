import type { Db } from "../tsdb/index.js";
import type { Appender, CommitResult, Querier, Storage } from "./types.js";

/** The Storage interface over the embedded store. */
export class LocalStorage implements Storage {
  readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  appender(): Appender {
    const a = this.db.appender();
    return {
      append: (ref, labels, t, v) => a.append(ref, labels, t, v),
      commit: async (): Promise<CommitResult> => {
        const r = await a.commit();
        return { accepted: r.accepted, refused: r.refused };
      },
      rollback: () => a.rollback(),
    };
  }

  querier(mint: number, maxt: number): Querier {
    const q = this.db.querier(mint, maxt);
    return {
      mint,
      maxt,
      select: (matchers, hints) =>
        q.select(matchers, { limit: hints?.limit, sorted: hints?.sorted }),
      labelNames: (matchers) => q.labelNames(matchers),
      labelValues: (name, matchers) => q.labelValues(name, matchers),
      close: () => q.close(),
    };
  }
}
