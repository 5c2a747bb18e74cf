import { Registry } from "prom-client";
import { DEFAULT_REMOTE_WRITE_LIMITS } from "../ingest/index.js";
import { Engine } from "../promql/index.js";
import type { Storage } from "../storage/index.js";
import type { ApiDeps } from "./server.js";

/** API dependencies for tests (imported by tests only): a ready server over `storage`. */
export function testApiDeps(storage: Storage, over: Partial<ApiDeps> = {}): ApiDeps {
  // Built on first use, so tests that never query do not need the engine.
  let engine: Engine | undefined;
  return {
    engine: () => {
      engine ??= new Engine();
      return engine;
    },
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
