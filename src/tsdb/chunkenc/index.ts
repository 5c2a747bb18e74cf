/**
 * Chunk encodings (pure, no I/O): today the Gorilla/Prometheus XOR chunk for
 * float samples. Format: docs/formats/xor-chunk.md.
 */

export { CORRUPT_CHUNK } from "./bstream.js";
export { ENCODING_XOR, XOR_MAX_SAMPLES, XorAppender, type XorCheckpoint } from "./xor-append.js";
export { decodeXorFromInto, decodeXorInto, XorIterator, xorChunkCount } from "./xor-read.js";
