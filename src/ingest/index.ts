/**
 * Ingestion formats: remote write 1.0 (decode, encode, append) and the
 * exposition formats scraped from targets. Pure decoding: no I/O, no state.
 */

export {
  isOpenMetrics,
  type MetricMetadata,
  type ParsedScrape,
  parseExposition,
  type ScrapeEntry,
} from "./exposition/parse.js";
export { appendWriteRequest } from "./remote-write/append.js";
export { decodeWriteRequest } from "./remote-write/decode.js";
export { encodeWriteRequest, type WriteSeries } from "./remote-write/encode.js";
export {
  DEFAULT_REMOTE_WRITE_LIMITS,
  type DecodedWriteRequest,
  type RemoteWriteLimits,
} from "./remote-write/types.js";
