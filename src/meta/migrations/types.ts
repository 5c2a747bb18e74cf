import type { Kysely } from "kysely";

/** One schema step. `version` numbers are 1, 2, 3 … with no gaps. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Applies the step inside the runner's transaction. */
  // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was at its version
  up(db: Kysely<any>): Promise<void>;
}
