import { describe, expect, it } from "vitest";
import { expandAlertTemplate } from "./alert.js";
import { TemplateError } from "./errors.js";
import { parse, type Trees } from "./parse.js";
import { ParseCache } from "./parse-cache.js";

const FUNCS: ReadonlySet<string> = new Set();

function counting(cache: ParseCache) {
  let calls = 0;
  const get = (name: string, text: string): Trees =>
    cache.get(name, text, () => {
      calls++;
      return parse(name, text, FUNCS);
    });
  return { get, calls: () => calls };
}

describe("ParseCache", () => {
  it("parses a given name and text once, and again for another name or text", () => {
    const c = counting(new ParseCache({ maxEntries: 10, maxChars: 1000 }));
    const a = c.get("a", "x{{.}}");
    expect(c.get("a", "x{{.}}")).toBe(a);
    expect(c.calls()).toBe(1);
    c.get("b", "x{{.}}");
    c.get("a", "y{{.}}");
    expect(c.calls()).toBe(3);
  });

  it("keeps parse errors: the same text throws the same message without parsing again", () => {
    const c = counting(new ParseCache({ maxEntries: 10, maxChars: 1000 }));
    expect(() => c.get("bad", "{{ .X")).toThrow(TemplateError);
    let second: unknown;
    try {
      c.get("bad", "{{ .X");
    } catch (e) {
      second = e;
    }
    expect(second).toBeInstanceOf(TemplateError);
    expect(c.calls()).toBe(1);
  });

  it("evicts the least recently used entry beyond the entry bound", () => {
    const cache = new ParseCache({ maxEntries: 2, maxChars: 1000 });
    const c = counting(cache);
    c.get("a", "1");
    c.get("b", "2");
    c.get("a", "1"); // a is now the most recent
    c.get("c", "3"); // evicts b
    expect(cache.size).toBe(2);
    expect(c.calls()).toBe(3);
    c.get("a", "1");
    expect(c.calls()).toBe(3);
    c.get("b", "2");
    expect(c.calls()).toBe(4);
  });

  it("bounds the text kept, and does not keep a text bigger than the bound", () => {
    const cache = new ParseCache({ maxEntries: 100, maxChars: 25 });
    const c = counting(cache);
    c.get("a", "0123456789"); // 12 chars with the name and separator
    c.get("b", "0123456789");
    expect(cache.size).toBe(2);
    c.get("c", "0123456789"); // 36 > 25: the oldest goes
    expect(cache.size).toBe(2);
    c.get("d", "x".repeat(40));
    expect(cache.size).toBe(2);
    c.get("d", "x".repeat(40));
    expect(c.calls()).toBe(5);
  });
});

describe("expandAlertTemplate with the cache", () => {
  it("expands the same text with different data correctly, and errors stay errors", async () => {
    const text = "{{ $labels.instance }} is {{ $value | humanize }}";
    const data = (instance: string, value: number) => ({
      labels: { instance },
      externalLabels: {},
      externalURL: "",
      value,
    });
    expect(await expandAlertTemplate("__alert_X", text, data("h1", 1234))).toBe("h1 is 1.234k");
    expect(await expandAlertTemplate("__alert_X", text, data("h2", 0.5))).toBe("h2 is 500m");
    const bad = await expandAlertTemplate("__alert_Y", "{{ $labels.x", data("h", 1));
    expect(bad).toMatch(/^<error expanding template: error parsing template __alert_Y: /);
    expect(await expandAlertTemplate("__alert_Y", "{{ $labels.x", data("h", 1))).toBe(bad);
  });
});
