/** The hosts reporting to this server: agent reports, their series, facts and latest check outputs. */

export { isSafeHostName, parseAgentReport } from "./schema.js";
export { AGENT_JOB, type FleetSample, plainThreshold, reportSamples } from "./series.js";
export { applyFactChanges, FleetState, type HostCheckState, type HostRecord } from "./state.js";
