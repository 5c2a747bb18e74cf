/** Job heartbeats: schedules, stored runs, status and series. */
export { type CronSchedule, isValidTimeZone, parseCron } from "./cron.js";
export {
  createFirstSeen,
  evaluateHeartbeats,
  type HeartbeatSample,
  heartbeatSamples,
} from "./status.js";
export { latestRuns, listRuns, type NewHeartbeatRun, recordRun } from "./store.js";
export type { HeartbeatJob, HeartbeatRun, HeartbeatState, HeartbeatStatus } from "./types.js";
