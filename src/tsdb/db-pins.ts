import { type Block, deleteBlock } from "./block/index.js";

/**
 * Blocks and head chunk segments taken out of use while queriers were open:
 * those queriers may still read them, so they are closed and deleted only once
 * every querier opened up to `seq` is closed.
 */
interface Retired {
  /** The newest querier id when retired. */
  readonly seq: number;
  readonly blocks: readonly Block[];
  /** Head chunk segments whose chunks all end before this time may go (ms). */
  readonly headBefore: number;
}

/**
 * Keeps what open queriers read alive: the store's open queriers in opening
 * order, and what compaction, retention and head cuts retired meanwhile. An
 * item retired goes once every querier opened before it closed; queriers
 * opened later never hold it back, so overlapping long reads (streamed
 * exports) cannot block deletion forever.
 */
export class QuerierPins<Q> {
  /** Open queriers by id; ids increase, so the first entry is the oldest. */
  private readonly open = new Map<Q, number>();
  private lastId = 0;
  private retired: Retired[] = [];
  /** Releases under way, chained one after another. */
  private releasing: Promise<void> = Promise.resolve();

  constructor(
    private readonly truncateHeadBefore: (time: number) => void,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** Registers a new querier. */
  opened(q: Q): void {
    this.open.set(q, ++this.lastId);
  }

  /** Forgets a closed querier and starts releasing what no open one pins. */
  closed(q: Q): void {
    this.open.delete(q);
    const oldest = this.oldestId();
    if (!this.retired.some((r) => r.seq < oldest)) return;
    this.releasing = this.releasing
      .then(() => this.release(false))
      .catch((e: unknown) => this.onError(e));
  }

  /** The open queriers (to hand them a head cut). */
  queriers(): IterableIterator<Q> {
    return this.open.keys();
  }

  /**
   * Takes blocks (already out of the store's list) and head chunk segments
   * ending before `headBefore` out of use; they go once no querier that may
   * read them is open.
   */
  async retire(blocks: readonly Block[], headBefore: number): Promise<void> {
    this.retired.push({ seq: this.lastId, blocks, headBefore });
    await this.release(false);
  }

  /**
   * Closes and deletes retired items that no open querier pins (`all`: every
   * one, at close). Deleting a block is crash-safe; a segment left behind by a
   * crash is dropped at the next open or cut.
   */
  async release(all: boolean): Promise<void> {
    const oldest = all ? Number.POSITIVE_INFINITY : this.oldestId();
    const ready = this.retired.filter((r) => r.seq < oldest);
    if (ready.length === 0) return;
    // Taken off the list before any await, so no other release handles them.
    this.retired = this.retired.filter((r) => r.seq >= oldest);
    let headBefore = Number.NEGATIVE_INFINITY;
    for (const r of ready) headBefore = Math.max(headBefore, r.headBefore);
    if (headBefore > Number.NEGATIVE_INFINITY) this.truncateHeadBefore(headBefore);
    const blocks = ready.flatMap((r) => r.blocks);
    for (const b of blocks) b.close();
    for (const b of blocks) await deleteBlock(b.dir);
  }

  /** Waits for releases under way, then releases everything retired. */
  async releaseAll(): Promise<void> {
    await this.releasing;
    await this.release(true);
  }

  private oldestId(): number {
    for (const id of this.open.values()) return id;
    return Number.POSITIVE_INFINITY;
  }
}
