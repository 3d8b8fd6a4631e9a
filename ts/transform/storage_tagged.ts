// Tagged storage scopes for storage rewrite. A scope is a rank ("global", "shared", "warp",
// "local") and an optional tag after it ("global:tag", "local.L0A"), as TVM's StorageScope
// parses it. Memory of a tag other than TVM's reserved ".dyn", ".workspace" and ".vtcm" is
// "special tagged memory": TVM places all of one tag's buffers (after reuse) side by side in
// one allocation per attach scope, each at an offset aligned to 32 bits (the default when the
// tag has no registered memory info; tejit has none). The layout is planned here; the
// rewriter adds each buffer's offset to its indices.

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

/** Alignment of each buffer in a merged allocation, in bits. */
export const TAG_MERGE_ALIGN_BITS = 32;

function alignUp(bits: number): number {
  return Math.ceil(bits / TAG_MERGE_ALIGN_BITS) * TAG_MERGE_ALIGN_BITS;
}

/**
 * The layout of buffers merged into one allocation: the first at offset 0, each next one after
 * the previous, aligned. Returns the offsets (bits) and the total size (bits).
 */
export function layoutMerged(sizesInBits: readonly number[]): { offsets: number[]; totalBits: number } {
  const offsets: number[] = [];
  let total = 0;
  for (const bits of sizesInBits) {
    offsets.push(total);
    total = alignUp(total + bits);
  }
  return { offsets, totalBits: total };
}
