/**
 * The series index: label matchers, postings-list algebra, the head's
 * in-memory postings and the on-disk index of blocks. The only public surface
 * of src/tsdb/index.
 */
export { IndexReader } from "./index-reader.js";
export { writeIndex } from "./index-writer.js";
export { matcherToString, newMatcher } from "./matcher.js";
export { MemPostings } from "./mem-postings.js";
export { intersect, subtract, union } from "./postings.js";
export type { PostingsSource } from "./select.js";
export { selectPostings } from "./select.js";
