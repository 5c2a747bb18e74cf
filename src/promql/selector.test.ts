import { describe, expect, it } from "vitest";
import { parseSeriesSelector } from "./selector.js";

const show = (s: string) =>
  parseSeriesSelector(s).map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`);

describe("parseSeriesSelector", () => {
  it("parses names, matchers, quoting and escapes", () => {
    expect(show("up")).toEqual(['__name__="up"']);
    expect(show('node_cpu_seconds_total{mode!="idle", cpu=~"0|1",}')).toEqual([
      '__name__="node_cpu_seconds_total"',
      'mode!="idle"',
      'cpu=~"0|1"',
    ]);
    expect(show("{__name__=~'node_.*', job!~`a\\d`}")).toEqual([
      '__name__=~"node_.*"',
      'job!~"a\\\\d"',
    ]);
    expect(show('{"my.metric", "a.b"="c\\n\\u00e9"}')).toEqual([
      '__name__="my.metric"',
      'a.b="c\\né"',
    ]);
    expect(show("ns:rule:rate5m")).toEqual(['__name__="ns:rule:rate5m"']);
  });

  it("rejects malformed selectors with the position", () => {
    expect(() => parseSeriesSelector("up{")).toThrow(/position 4/);
    expect(() => parseSeriesSelector('up{a="b"')).toThrow(/want/);
    expect(() => parseSeriesSelector('up{a=="b"}')).toThrow(/quoted string/);
    expect(() => parseSeriesSelector('up{a=~"("}')).toThrow(/RD_BAD_REGEX|regex|parse/i);
    expect(() => parseSeriesSelector('{a=""}')).toThrow(/non-empty matcher/);
    expect(() => parseSeriesSelector('{a=~".*"}')).toThrow(/non-empty matcher/);
    expect(() => parseSeriesSelector("up extra")).toThrow(/end of selector/);
  });
});
