// Tagged storage scopes for storage rewrite. A scope is a rank ("global", "shared", "warp",
// "local") and an optional tag after it ("global:tag", "local.L0A"), as TVM's StorageScope
// parses it. Memory of a tag other than TVM's reserved ".dyn", ".workspace" and ".vtcm" is
// "special tagged memory": TVM places all of one tag's buffers (after reuse, whatever their
// element types) side by side in one allocation per attach scope, of the first buffer's element
// type, each buffer at an offset aligned to 32 bits (the default when the tag has no registered
// memory info; tejit has none). The layout is planned here; the rewriter adds each buffer's
// offset, in its own elements, to its indices, so the buffer is a typed view of the allocation.

const RANKS = ["global", "shared", "warp", "local"];
const RESERVED_TAGS = new Set([".dyn", ".workspace", ".vtcm"]);

/** The tag of a storage scope: what follows its rank ("global:tag" gives ":tag"), or "". */
export function storageTag(scope: string): string {
  const rank = RANKS.find((r) => scope.startsWith(r));
  return rank === undefined ? "" : scope.slice(rank.length);
}

/** TVM's IsSpecialTaggedMemory: a tag other than the reserved ones. */
export function isSpecialTagged(scope: string): boolean {
  const tag = storageTag(scope);
  return tag.length > 0 && !RESERVED_TAGS.has(tag);
}

/** Least alignment of each buffer in a merged allocation, in bits (TVM's default). */
export const TAG_MERGE_ALIGN_BITS = 32;

function alignUp(bits: number, align: number): number {
  return Math.ceil(bits / align) * align;
}

/** A buffer placed in a merged allocation: its size and the widest element it is accessed as, in bits. */
export interface MergedMember {
  bits: number;
  elemBits: number;
}

/**
 * The layout of buffers merged into one allocation: the first at offset 0, each next one after
 * the previous, at an offset aligned to 32 bits or to its widest element if that is wider (TVM
 * aligns to 32 bits only, which leaves a float64 buffer misaligned and its offset not a whole
 * number of elements). Returns the offsets and the total size (a multiple of 32), in bits.
 */
export function layoutMerged(members: readonly MergedMember[]): { offsets: number[]; totalBits: number } {
  const offsets: number[] = [];
  let total = 0;
  for (const m of members) {
    total = alignUp(total, Math.max(TAG_MERGE_ALIGN_BITS, m.elemBits));
    offsets.push(total);
    total += m.bits;
  }
  return { offsets, totalBits: alignUp(total, TAG_MERGE_ALIGN_BITS) };
}
