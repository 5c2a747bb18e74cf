/**
 * Where the Prometheus project's PromQL test scripts are. They live outside
 * the repository (../shared/promql/testdata beside it, see
 * ../shared/promql/README.md); a clone elsewhere (a CI checkout in /tmp) finds
 * them through $REDDOT_PROMQL_TESTDATA or the team workspace's copy.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";

const WORKSPACE_COPY = "/work/shared/promql/testdata";

/** The first candidate directory that exists, or undefined (callers fail loudly). */
export function upstreamTestdataDir(): string | undefined {
  const repo = resolve(import.meta.dirname, "../../..");
  const candidates = [
    process.env.REDDOT_PROMQL_TESTDATA,
    resolve(repo, "../shared/promql/testdata"),
    WORKSPACE_COPY,
  ];
  return candidates.find((d): d is string => d !== undefined && d !== "" && existsSync(d));
}
