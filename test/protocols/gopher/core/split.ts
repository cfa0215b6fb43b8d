/** Cuts bytes at the given chunk sizes (cycling): the splits a network may make. */
export function splitAt(bytes: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  let i = 0;
  while (pos < bytes.length) {
    const n = sizes.length ? Math.max(1, sizes[i++ % sizes.length]!) : bytes.length;
    out.push(bytes.subarray(pos, pos + n));
    pos += n;
  }
  return out;
}
