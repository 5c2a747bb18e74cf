import { migration001 } from "./001-initial.js";
import type { Migration } from "./types.js";

export type { Migration } from "./types.js";

/** Every schema step, in order. Append new steps; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [migration001];

/** The schema version this build writes and understands. */
export const META_SCHEMA_VERSION = MIGRATIONS.length;
