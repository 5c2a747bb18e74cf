/**
 * Constants of the block index file format, shared by writer and reader.
 * The format is described byte by byte in docs/formats/index.md; bump
 * `INDEX_VERSION` for any change a v1 reader would misread.
 */

/** File magic, "RDIX" in ASCII. */
export const INDEX_MAGIC = Uint8Array.of(0x52, 0x44, 0x49, 0x58);

/** Format version, the byte after the magic. */
export const INDEX_VERSION = 1;

/** Magic (4), version (1), three zero bytes keeping sections 4-byte aligned. */
export const HEADER_SIZE = 8;

/** Sections in file order; the TOC lists their offsets in this order. */
export const SECTIONS = [
  "symbols",
  "series",
  "postings",
  "label values",
  "postings offsets",
] as const;

/** Index of each section in `SECTIONS` and in the TOC. */
export const SYMBOLS = 0;
/** See `SYMBOLS`. */
export const SERIES = 1;
/** See `SYMBOLS`. */
export const POSTINGS = 2;
/** See `SYMBOLS`. */
export const LABEL_VALUES = 3;
/** See `SYMBOLS`. */
export const POSTINGS_OFFSETS = 4;

/** Every section starts at a multiple of this, so postings can be viewed as Uint32Array. */
export const SECTION_ALIGN = 4;

/** TOC: one u64 offset per section, then a crc32c of those bytes. */
export const TOC_SIZE = SECTIONS.length * 8 + 4;
