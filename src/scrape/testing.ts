/**
 * Test helpers for src/scrape (imported by tests only): an in-memory
 * Appendable that records what each commit wrote, a real HTTP exporter whose
 * answer tests change, and a condition poller.
 */

import http from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import {
  type Appendable,
  type Appender,
  type CommitResult,
  isStaleNaN,
  type Labels,
  labelsKey,
  labelsToString,
} from "../storage/index.js";
import { scrapeJob } from "./defaults.js";
import type { ScrapeConfig } from "./types.js";

/** One committed sample. */
export interface RecordedSample {
  /** `name{a="b", ...}` as Prometheus prints it. */
  readonly series: string;
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
  /** True when `v` was the staleness marker (checked at append time, bits intact). */
  readonly stale: boolean;
  /** Commit number (1-based) that wrote it. */
  readonly commit: number;
}

/** An Appendable test double: commits are appended to `samples` in order. */
export class MemoryAppendable implements Appendable {
  readonly samples: RecordedSample[] = [];
  commits = 0;
  rollbacks = 0;
  /** Refs handed out, by labels key. */
  private readonly refs = new Map<string, number>();
  /** Labels key of each ref, to check that callers pass refs back faithfully. */
  private readonly byRef = new Map<number, string>();

  appender(): Appender {
    let pending: Omit<RecordedSample, "commit">[] = [];
    let done = false;
    return {
      append: (ref, labels, t, v) => {
        if (done) throw new Error("append after commit/rollback");
        const key = labelsKey(labels);
        if (ref !== 0 && this.byRef.get(ref) !== key) {
          throw new Error(`ref ${ref} passed with other labels ${labelsToString(labels)}`);
        }
        let r = this.refs.get(key);
        if (r === undefined) {
          r = this.refs.size + 1;
          this.refs.set(key, r);
          this.byRef.set(r, key);
        }
        pending.push({ series: labelsToString(labels), labels, t, v, stale: isStaleNaN(v) });
        return r;
      },
      commit: async (): Promise<CommitResult> => {
        if (done) throw new Error("commit twice");
        done = true;
        this.commits++;
        for (const s of pending) this.samples.push({ ...s, commit: this.commits });
        const accepted = pending.length;
        pending = [];
        return { accepted, refused: {} };
      },
      rollback: () => {
        done = true;
        this.rollbacks++;
        pending = [];
      },
    };
  }

  /** Samples of the series printed as `series`, in commit order. */
  of(series: string): RecordedSample[] {
    return this.samples.filter((s) => s.series === series);
  }

  /** Samples whose metric name is `name`. */
  named(name: string): RecordedSample[] {
    return this.samples.filter((s) =>
      s.labels.some((l) => l.name === "__name__" && l.value === name),
    );
  }
}

/** Polls `cond` every few ms until it holds; throws after `ms` with `what` in the message. */
export async function waitFor(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** What a TestExporter serves; tests change it between scrapes. */
export interface Served {
  body: string;
  contentType: string;
  status: number;
  /** Milliseconds before answering. */
  delay: number;
  gzip: boolean;
}

/** A real HTTP server on 127.0.0.1 serving `served` at every path. */
export class TestExporter {
  readonly served: Served = {
    body: "m 1\n",
    contentType: "text/plain; version=0.0.4",
    status: 200,
    delay: 0,
    gzip: false,
  };
  /** Request paths and headers, in arrival order. */
  readonly requests: { url: string; headers: http.IncomingHttpHeaders }[] = [];
  /** Responses fully written. */
  responses = 0;
  private readonly server: http.Server;
  private port = 0;

  constructor() {
    this.server = http.createServer((req, res) => {
      this.requests.push({ url: req.url ?? "", headers: req.headers });
      const s = { ...this.served };
      const answer = () => {
        const body = s.gzip ? gzipSync(s.body) : Buffer.from(s.body);
        const headers: http.OutgoingHttpHeaders = { "Content-Type": s.contentType };
        if (s.gzip) headers["Content-Encoding"] = "gzip";
        res.writeHead(s.status, headers);
        res.end(body, () => this.responses++);
      };
      if (s.delay > 0) setTimeout(answer, s.delay);
      else answer();
    });
  }

  /** `host:port` once started. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A scrape config for tests: one job scraping `targets` every 100 ms. The
 * timeout is the whole interval so a loaded test machine does not fail scrapes
 * of a local server that answers in microseconds.
 */
export function testJob(targets: string[], c: Partial<ScrapeConfig> = {}): ScrapeConfig {
  return scrapeJob({
    jobName: "test",
    scrapeInterval: 100,
    scrapeTimeout: 100,
    staticConfigs: [{ targets, labels: {} }],
    ...c,
  });
}
