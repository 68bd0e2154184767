/**
 * XXH3-64 (seed 0, default secret) of a byte range, written into two uint32 words.
 *
 * Inputs of up to 240 bytes are hashed in JavaScript: a call into xxhash-addon costs about 0.5 to
 * 0.8 µs (the native call and the Buffer of its result), several times the hash itself (about
 * 0.1 µs for a 25-byte key, see bench/quality-profiler.ts), and key hashing runs once per row.
 * Longer inputs go to xxhash-addon, where the call is worth it. Both give the same XXH3_64bits
 * value (the unit tests compare them on every length up to 300 bytes).
 *
 * 64-bit values are (high, low) uint32 word pairs kept in module-level typed arrays: the helpers
 * take their operands from IN and leave their result in R. Passing uint32 values above 2^30 as
 * arguments, or keeping them in `let`s, would box them (one heap number each) on every row.
 */
import xxhash from 'xxhash-addon'

const { XXHash3 } = xxhash

/** XXH3_kSecret of xxhash.h: the default 192-byte secret. */
const SECRET = Uint8Array.from([
  0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
  0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
  0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
  0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
  0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
  0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
  0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
  0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
  0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
  0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e,
  0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce,
  0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e,
])

// XXH_PRIME64_1..3 and PRIME_MX1/2 as (hi, lo)
const P1_HI = 0x9e3779b1, P1_LO = 0x85ebca87
const P2_HI = 0xc2b2ae3d, P2_LO = 0x27d4eb4f
const P3_HI = 0x165667b1, P3_LO = 0x9e3779f9
const MX1_HI = 0x16566791, MX1_LO = 0x9e3779f9
const MX2_HI = 0x9fb21c65, MX2_LO = 0x1e98df25

/** The longest input hashed in JavaScript (XXH3_MIDSIZE_MAX); longer ones go to xxhash-addon. */
export const XXH3_JS_MAX = 240

/** Operands of mulFold: a = (IN[0], IN[1]), b = (IN[2], IN[3]). */
const IN = new Uint32Array(4)
/** The result of every helper: (R[0], R[1]). */
const R = new Uint32Array(2)
/** A running sum. */
const ACC = new Uint32Array(2)

/** The little-endian uint32 of the secret at every byte offset. */
const S32 = new Uint32Array(SECRET.length - 3)
for (let o = 0; o < S32.length; o++) S32[o] = SECRET[o] | (SECRET[o + 1] << 8) | (SECRET[o + 2] << 16) | (SECRET[o + 3] << 24)

function le32(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)
}

/**
 * R = the 128-bit product of a and b, its two halves XORed (XXH3_mul128_fold64). a is taken in
 * two 32-bit words, b in four 16-bit limbs: every partial product stays below 2^48 and every
 * running column sum below 2^50, exact in a double; `& 0xffff` on it is exact too.
 */
function mulFold(): void {
  const a0 = IN[1], a1 = IN[0]
  const b0 = IN[3] & 0xffff, b1 = IN[3] >>> 16, b2 = IN[2] & 0xffff, b3 = IN[2] >>> 16
  let c = a0 * b0
  const r0 = c & 0xffff
  c = Math.floor(c / 65536) + a0 * b1
  const r1 = c & 0xffff
  c = Math.floor(c / 65536) + a0 * b2 + a1 * b0
  const r2 = c & 0xffff
  c = Math.floor(c / 65536) + a0 * b3 + a1 * b1
  const r3 = c & 0xffff
  c = Math.floor(c / 65536) + a1 * b2
  const r4 = c & 0xffff
  c = Math.floor(c / 65536) + a1 * b3
  const r5 = c & 0xffff
  // what is left is the top 32 bits of the product
  c = Math.floor(c / 65536)
  R[0] = ((r3 << 16) | r2) ^ c
  R[1] = ((r1 << 16) | r0) ^ ((r5 << 16) | r4)
}

/**
 * R = R × (hi, lo), low 64 bits: the full product of the low words (R's low word against the
 * 16-bit halves of `lo`, each product below 2^48) plus the cross terms' low words (Math.imul).
 */
function mulR(hi: number, lo: number): void {
  const a0 = R[1], a1 = R[0]
  let c = a0 * (lo & 0xffff)
  const r0 = c & 0xffff
  c = Math.floor(c / 65536) + a0 * (lo >>> 16)
  const r1 = c & 0xffff
  R[0] = Math.floor(c / 65536) + Math.imul(a0, hi) + Math.imul(a1, lo)
  R[1] = (r1 << 16) | r0
}

/** XXH64_avalanche of R. */
function avalanche64(): void {
  R[1] ^= R[0] >>> 1
  mulR(P2_HI, P2_LO)
  R[1] ^= (R[1] >>> 29) | (R[0] << 3)
  R[0] ^= R[0] >>> 29
  mulR(P3_HI, P3_LO)
  R[1] ^= R[0]
}

/** XXH3_avalanche of R. */
function avalanche3(): void {
  R[1] ^= R[0] >>> 5
  mulR(MX1_HI, MX1_LO)
  R[1] ^= R[0]
}

/** XXH3_rrmxmx of R. */
function rrmxmx(len: number): void {
  // h ^= rotl64(h, 49) ^ rotl64(h, 24)
  const hi = R[0], lo = R[1]
  R[0] = hi ^ ((lo << 17) | (hi >>> 15)) ^ ((hi << 24) | (lo >>> 8))
  R[1] = lo ^ ((hi << 17) | (lo >>> 15)) ^ ((lo << 24) | (hi >>> 8))
  mulR(MX2_HI, MX2_LO)
  R[1] ^= (R[0] >>> 3) + len
  mulR(MX2_HI, MX2_LO)
  R[1] ^= (R[1] >>> 28) | (R[0] << 4)
  R[0] ^= R[0] >>> 28
}

/** ACC += R. */
function accumulate(): void {
  const lo = ACC[1] + R[1]
  ACC[1] = lo
  ACC[0] = ACC[0] + R[0] + (lo > 0xffffffff ? 1 : 0)
}

/** R = XXH3_mix16B(bytes at o, secret at s), seed 0. */
function mix16(b: Uint8Array, o: number, s: number): void {
  IN[0] = le32(b, o + 4) ^ S32[s + 4]
  IN[1] = le32(b, o) ^ S32[s]
  IN[2] = le32(b, o + 12) ^ S32[s + 12]
  IN[3] = le32(b, o + 8) ^ S32[s + 8]
  mulFold()
}

/** len × PRIME64_1 for every length hashed in JavaScript, as (hi, lo) pairs. */
const LEN_P1 = new Uint32Array(2 * (XXH3_JS_MAX + 1))

/** ACC = len × PRIME64_1. */
function startAcc(len: number): void {
  ACC[0] = LEN_P1[2 * len]
  ACC[1] = LEN_P1[2 * len + 1]
}

function hash1to3(b: Uint8Array, o: number, len: number): void {
  const combined = (b[o] << 16) | (b[o + (len >>> 1)] << 24) | b[o + len - 1] | (len << 8)
  R[0] = 0
  R[1] = combined ^ S32[0] ^ S32[4]
  avalanche64()
}

function hash4to8(b: Uint8Array, o: number, len: number): void {
  R[0] = le32(b, o) ^ S32[12] ^ S32[20]
  R[1] = le32(b, o + len - 4) ^ S32[8] ^ S32[16]
  rrmxmx(len)
}

function hash9to16(b: Uint8Array, o: number, len: number): void {
  const loHi = le32(b, o + 4) ^ S32[28] ^ S32[36]
  const loLo = le32(b, o) ^ S32[24] ^ S32[32]
  const hiHi = le32(b, o + len - 4) ^ S32[44] ^ S32[52]
  const hiLo = le32(b, o + len - 8) ^ S32[40] ^ S32[48]
  // acc = len + swap64(input_lo) + input_hi + mul128_fold64(input_lo, input_hi)
  IN[0] = loHi
  IN[1] = loLo
  IN[2] = hiHi
  IN[3] = hiLo
  mulFold()
  ACC[0] = R[0]
  ACC[1] = R[1]
  R[0] = hiHi
  R[1] = hiLo
  accumulate()
  R[0] = bswap32(loLo)
  R[1] = bswap32(loHi)
  accumulate()
  R[0] = 0
  R[1] = len
  accumulate()
  R[0] = ACC[0]
  R[1] = ACC[1]
  avalanche3()
}

function bswap32(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)
}

function hash17to128(b: Uint8Array, o: number, len: number): void {
  startAcc(len)
  for (let i = (len - 1) >>> 5; i >= 0; i--) {
    mix16(b, o + 16 * i, 32 * i)
    accumulate()
    mix16(b, o + len - 16 * (i + 1), 32 * i + 16)
    accumulate()
  }
  R[0] = ACC[0]
  R[1] = ACC[1]
  avalanche3()
}

function hash129to240(b: Uint8Array, o: number, len: number): void {
  startAcc(len)
  for (let i = 0; i < 8; i++) {
    mix16(b, o + 16 * i, 16 * i)
    accumulate()
  }
  R[0] = ACC[0]
  R[1] = ACC[1]
  avalanche3()
  ACC[0] = R[0]
  ACC[1] = R[1]
  const rounds = len >>> 4
  for (let i = 8; i < rounds; i++) {
    mix16(b, o + 16 * i, 16 * (i - 8) + 3)
    accumulate()
  }
  // XXH3_SECRET_SIZE_MIN (136) - XXH3_MIDSIZE_LASTOFFSET (17)
  mix16(b, o + len - 16, 119)
  accumulate()
  R[0] = ACC[0]
  R[1] = ACC[1]
  avalanche3()
}

for (let len = 0; len <= XXH3_JS_MAX; len++) {
  R[0] = 0
  R[1] = len
  mulR(P1_HI, P1_LO)
  LEN_P1[2 * len] = R[0]
  LEN_P1[2 * len + 1] = R[1]
}

/** XXH3-64 of the empty input: XXH64_avalanche of two secret words. */
R[0] = S32[60] ^ S32[68]
R[1] = S32[56] ^ S32[64]
avalanche64()
const EMPTY = Uint32Array.of(R[0], R[1])

/**
 * XXH3-64 of `bytes[start, start + length)`: the low word goes to `out[at]`, the high word to
 * `out[at + 1]` (so a Uint32Array view of a BigUint64Array receives the 64-bit hash on a
 * little-endian machine).
 */
export function xxh3Into(bytes: Uint8Array, start: number, length: number, out: Uint32Array, at: number): void {
  if (length > XXH3_JS_MAX) {
    const digest = XXHash3.hash(Buffer.from(bytes.buffer, bytes.byteOffset + start, length))
    // the digest is the canonical (big-endian) form
    out[at] = digest.readUInt32BE(4)
    out[at + 1] = digest.readUInt32BE(0)
    return
  }
  if (length > 128) hash129to240(bytes, start, length)
  else if (length > 16) hash17to128(bytes, start, length)
  else if (length > 8) hash9to16(bytes, start, length)
  else if (length >= 4) hash4to8(bytes, start, length)
  else if (length > 0) hash1to3(bytes, start, length)
  else {
    R[0] = EMPTY[0]
    R[1] = EMPTY[1]
  }
  out[at] = R[1]
  out[at + 1] = R[0]
}

/** XXH3-64 of `bytes` as a bigint (tests and cold paths). */
export function xxh3BigInt(bytes: Uint8Array): bigint {
  const out = new Uint32Array(2)
  xxh3Into(bytes, 0, bytes.length, out, 0)
  return (BigInt(out[1]) << 32n) | BigInt(out[0])
}
