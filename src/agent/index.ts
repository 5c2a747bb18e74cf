/**
 * The reddot agent's public surface: its contracts, collectors, check
 * runners, facts, transport and (once wired) the agent loop. Other folders
 * import agent code through this file only.
 */

export {
  type AgentLog,
  DEFAULT_CHECKS_REFRESH_MS,
  DEFAULT_FACTS_INTERVAL_MS,
  DEFAULT_INTERVAL_MS,
  DEFAULT_PLUGIN_DIRS,
  DEFAULT_SPOOL_DIR,
  DEFAULT_SPOOL_MAX_BYTES,
  type RunAgentOptions,
  runAgent,
} from "./agent.js";
export { BUILTIN_CHECKS, type BuiltinCheck, type BuiltinContext } from "./checks/builtin/index.js";
export {
  assertPluginCommand,
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_MAX_OUTPUT_BYTES,
  PLUGIN_PATH,
  pluginCommandProblem,
  type ResolvedPlugin,
  type RunPluginOptions,
  resolvePlugin,
  runPlugin,
} from "./checks/plugin.js";
export {
  type CollectFactsOptions,
  collectFacts,
  collectHostFacts,
  DEFAULT_FACTS_TIMEOUT_MS,
  diffFacts,
  type FactCommands,
  type HostFacts,
} from "./facts/index.js";
export { collectHostMetrics, type HostMetricsOptions } from "./host/collect.js";
export * from "./report.js";
export { Backoff, type BackoffOptions } from "./transport/backoff.js";
export { type FlushResult, Sender, type SenderOptions } from "./transport/sender.js";
export { Spool, type SpoolOptions, type SpoolStats } from "./transport/spool.js";
export { type TlsFetchOptions, tlsFetch } from "./transport/tls-fetch.js";
export * from "./types.js";
