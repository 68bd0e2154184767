import { createRequire } from 'node:module'
import { gzipSync } from 'node:zlib'
import { compressFrame } from 'lz4-napi'
import { RivetError } from '../../errors/index.js'

/** CSV compressions; each call produces one self-contained unit (frame or member). */
export type CsvCompression = 'zstd' | 'gzip' | 'lz4' | 'none'

interface ZstdBinding {
  compress(data: Buffer, level?: number | null): Promise<Buffer>
  decompress(data: Buffer): Promise<Buffer>
}

// The package's index.js wrapper drops the level argument; the native binding honours it.
const zstd = createRequire(import.meta.url)('@mongodb-js/zstd/bindings.js') as ZstdBinding

// level 1: 2x the speed of level 3 at the same ratio on CSV text (native-bench/README.md)
const ZSTD_DEFAULT_LEVEL = 1
const GZIP_DEFAULT_LEVEL = 6

/** Valid level ranges; lz4-napi exposes no level, so lz4 accepts none. */
const LEVELS: Readonly<Record<Exclude<CsvCompression, 'none'>, readonly [number, number] | null>> = {
  zstd: [-7, 22],
  gzip: [0, 9],
  lz4: null,
}

/** Rejects a level the codec cannot use (null means the codec's default). */
export function checkCompressionLevel(compression: CsvCompression, level: number | null): void {
  if (level === null || compression === 'none') return
  const range = LEVELS[compression]
  if (range === null) {
    throw new RivetError('RIVET_CONFIG_RANGE', `compression_level ${level} cannot be applied to ${compression}: its encoder has no levels`, {
      hint: 'remove compression_level, or use zstd or gzip',
    })
  }
  if (!Number.isInteger(level) || level < range[0] || level > range[1]) {
    throw new RivetError('RIVET_CONFIG_RANGE', `compression_level ${level} is outside ${range[0]}..${range[1]} for ${compression}`)
  }
}

/**
 * Compresses `bytes` into one independent unit — a zstd frame, a gzip member or an LZ4
 * frame — so units from different batches can simply be concatenated into one file:
 * each format decodes a concatenation of its units as one stream.
 */
export async function compressUnit(bytes: Uint8Array, compression: CsvCompression, level: number | null): Promise<Uint8Array> {
  return owned(await compressRaw(bytes, compression, level))
}

async function compressRaw(bytes: Uint8Array, compression: CsvCompression, level: number | null): Promise<Uint8Array> {
  checkCompressionLevel(compression, level)
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  switch (compression) {
    case 'none':
      return bytes
    case 'zstd':
      return await zstd.compress(input, level ?? ZSTD_DEFAULT_LEVEL)
    case 'gzip':
      return gzipSync(input, { level: level ?? GZIP_DEFAULT_LEVEL })
    case 'lz4':
      return await compressFrame(input)
  }
  throw new RivetError('RIVET_CONFIG_ENUM', `unknown CSV compression '${String(compression)}'`, { hint: 'use one of zstd, gzip, lz4, none' })
}

/**
 * The bytes in an ArrayBuffer of their own, so the result can be transferred between threads:
 * small Node Buffers live in a shared pool, and the uncompressed text is a view of a larger buffer.
 */
function owned(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes
  return new Uint8Array(bytes)
}
