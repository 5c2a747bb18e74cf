/**
 * A bounded LRU of parse results keyed by template name and text: an alert
 * annotation is expanded for every alert at every evaluation, and parsing it
 * each time was most of the cost of expanding it. Parse errors are kept too
 * (the same text fails the same way). Parse trees are never mutated by
 * execution, so one tree serves every expansion.
 */
import { TemplateError } from "./errors.js";
import type { Trees } from "./parse.js";

type Entry = { trees: Trees; error?: undefined } | { trees?: undefined; error: TemplateError };

export interface ParseCacheLimits {
  /** Entries kept at most. */
  readonly maxEntries: number;
  /** Sum of key lengths (UTF-16 units, ~ the text kept alive) at most. */
  readonly maxChars: number;
}

export class ParseCache {
  private readonly map = new Map<string, Entry>();
  private chars = 0;

  constructor(private readonly limits: ParseCacheLimits) {}

  get size(): number {
    return this.map.size;
  }

  /** The trees for (name, text), parsed by `parse` at most once while cached; rethrows a cached TemplateError. */
  get(name: string, text: string, parse: () => Trees): Trees {
    // Names cannot hold NUL in practice, and a collision needs the same name and text anyway.
    const key = `${name}\0${text}`;
    let entry = this.map.get(key);
    if (entry !== undefined) {
      // Most recently used goes last.
      this.map.delete(key);
      this.map.set(key, entry);
    } else {
      try {
        entry = { trees: parse() };
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        entry = { error: e };
      }
      if (key.length <= this.limits.maxChars) {
        this.map.set(key, entry);
        this.chars += key.length;
        this.evict();
      }
    }
    if (entry.error !== undefined) throw entry.error;
    return entry.trees;
  }

  private evict(): void {
    for (const [key] of this.map) {
      if (this.map.size <= this.limits.maxEntries && this.chars <= this.limits.maxChars) return;
      this.map.delete(key);
      this.chars -= key.length;
    }
  }
}
