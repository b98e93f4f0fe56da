/**
 * Deterministic pick in [0, n) from a seed and a local date: the preview, every replica and every
 * restart agree on the random time of a given day without storing it.
 */
export function seededPick(seed: string, date: string, n: number): number {
  if (n <= 0) throw new RangeError('seededPick needs n > 0');
  // FNV-1a over the text, then a murmur3 finaliser so nearby dates spread over the whole range.
  let h = 0x811c9dc5;
  const text = `${seed}\u0000${date}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % n;
}
