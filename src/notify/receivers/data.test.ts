import { describe, expect, it } from "vitest";
import { notificationData, rfc3339, truncateRunes } from "./data.js";
import { abortableSleep } from "./retry.js";
import { alert, context } from "./testing.js";

describe("rfc3339", () => {
  it("writes times as Go's JSON does", () => {
    expect(rfc3339(0)).toBe("0001-01-01T00:00:00Z");
    expect(rfc3339(Date.UTC(2024, 0, 2, 3, 4, 5))).toBe("2024-01-02T03:04:05Z");
    expect(rfc3339(Date.UTC(2024, 0, 2, 3, 4, 5, 120))).toBe("2024-01-02T03:04:05.12Z");
    expect(rfc3339(Date.UTC(2024, 0, 2, 3, 4, 5, 7))).toBe("2024-01-02T03:04:05.007Z");
  });
});

describe("truncateRunes", () => {
  it("counts code points and ends with …", () => {
    expect(truncateRunes("abc", 3)).toEqual({ text: "abc", truncated: false });
    expect(truncateRunes("abcdef", 5)).toEqual({ text: "abcd…", truncated: true });
    expect(truncateRunes("😀😀😀😀😀😀", 5)).toEqual({ text: "😀😀😀😀…", truncated: true });
    expect(truncateRunes("abcdef", 3)).toEqual({ text: "abc", truncated: true });
  });
});

describe("notificationData", () => {
  it("status is firing when any alert fires; common labels and annotations are the equal ones", () => {
    const d = notificationData(context([]), [
      alert({ alertname: "Down", job: "a", instance: "1" }, "resolved"),
      alert({ alertname: "Down", job: "a", instance: "2" }),
    ]);
    expect(d.status).toBe("firing");
    expect(d.commonLabels).toEqual({ alertname: "Down", job: "a" });
    expect(d.commonAnnotations).toEqual({ summary: "summary of Down" });
    expect(notificationData(context([]), [alert({ a: "1" }, "resolved")]).status).toBe("resolved");
    expect(notificationData(context([]), []).commonLabels).toEqual({});
  });
});

describe("abortableSleep", () => {
  it("returns at once when the signal aborts", async () => {
    const ac = new AbortController();
    const p = abortableSleep(3_600_000, ac.signal);
    ac.abort();
    await p;
    await abortableSleep(3_600_000, ac.signal);
  });
});
