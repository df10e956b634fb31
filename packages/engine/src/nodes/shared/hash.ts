const encoder = new TextEncoder()

/**
 * MurmurHash3 (x86, 32-bit) of a string's UTF-8 bytes: fast, dependency-free, and well
 * distributed even for keys that differ in one character (user ids in sequence), which is
 * what an A/B split needs. Not for anything secret.
 */
export function murmur3(text: string, seed = 0): number {
  const bytes = encoder.encode(text)
  const n = bytes.length
  const blocks = n - (n % 4)
  let h = seed >>> 0
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)
    k = Math.imul(k, 0xcc9e2d51)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, 0x1b873593)
    h ^= k
    h = (h << 13) | (h >>> 19)
    h = (Math.imul(h, 5) + 0xe6546b64) | 0
  }
  const tail = n & 3
  if (tail > 0) {
    // The last 1–3 bytes, little-endian, as the reference's fall-through switch reads them.
    let k = bytes[blocks]
    if (tail > 1) k |= bytes[blocks + 1] << 8
    if (tail > 2) k |= bytes[blocks + 2] << 16
    k = Math.imul(k, 0xcc9e2d51)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, 0x1b873593)
    h ^= k
  }
  h ^= n
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
