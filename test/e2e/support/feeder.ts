/**
 * Keeps one series fed by remote write, as an exporter behind Prometheus
 * would: a sample every 500 ms at the current time, with a value the test can
 * change. Writes that fail (the server is restarting) are dropped, as a real
 * sender's would be after its retries.
 */
import { encodeWriteRequest } from "../../../src/ingest/index.js";
import { labelsFromRecord } from "../../../src/storage/index.js";
import { sleep } from "./processes.js";

export interface Feeder {
  stop(): Promise<void>;
}

export function startFeeder(
  url: () => string,
  labels: Record<string, string>,
  value: () => number,
): Feeder {
  let running = true;
  const series = labelsFromRecord(labels);
  const done = (async () => {
    while (running) {
      // encodeWriteRequest compresses with snappy already.
      const body = encodeWriteRequest([{ labels: series, ts: [Date.now()], vs: [value()] }]);
      await fetch(`${url()}/api/v1/write`, {
        method: "POST",
        headers: { "content-type": "application/x-protobuf", "content-encoding": "snappy" },
        body,
      }).catch(() => undefined);
      await sleep(500);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
    },
  };
}
