import { Registry } from "prom-client";
import { DEFAULT_REMOTE_WRITE_LIMITS } from "../ingest/index.js";
import type { Storage } from "../storage/index.js";
import type { ApiDeps } from "./server.js";

/** API dependencies for tests (imported by tests only): a ready server over `storage`. */
export function testApiDeps(storage: Storage, over: Partial<ApiDeps> = {}): ApiDeps {
  return {
    storage,
    ready: () => true,
    registry: new Registry(),
    remoteWriteLimits: DEFAULT_REMOTE_WRITE_LIMITS,
    buildInfo: {
      version: "test",
      revision: "",
      branch: "",
      buildUser: "",
      buildDate: "",
      goVersion: "",
    },
    ...over,
  };
}
