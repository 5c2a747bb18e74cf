/** How parsers hand samples to the collector: name, labels, value (the collector stamps the time). */
export type Emit = (name: string, labels: Readonly<Record<string, string>>, v: number) => void;

/** Shared label set for series without labels (never mutated). */
export const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});
