import { decompress as zstdDecompress } from '@mongodb-js/zstd'
import { decompressFrame } from 'lz4-napi'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { compressUnit, encodeCsvBatch, type CsvCompression } from '../../../src/format/index.js'
import { ByteWriter } from '../../../src/format/csv/byte-writer.js'
import { makeValueWriter, validityOf } from '../../../src/format/csv/csv-value-writers.js'
import { batchIpc, makeBatch } from './arrow-fixtures.js'
import { splitLz4Frames } from './csv-helpers.js'
import { sliceCorpus, typeCorpus } from './type-corpus.js'

const decoder = new TextDecoder()

async function decompressAll(bytes: Uint8Array, compression: CsvCompression): Promise<string> {
  switch (compression) {
    case 'none': return decoder.decode(bytes)
    case 'gzip': return decoder.decode(gunzipSync(bytes)) // gunzip reads every member of a concatenation
    case 'zstd': return decoder.decode(await zstdDecompress(Buffer.from(bytes))) // zstd decodes concatenated frames as one stream
    case 'lz4': {
      // lz4-napi's decompressFrame stops after the first frame, so decode frame by frame
      const parts = await Promise.all(splitLz4Frames(bytes).map((frame) => decompressFrame(frame)))
      return decoder.decode(Buffer.concat(parts))
    }
  }
}

function sampleText(rows: number): Uint8Array {
  let seed = 99
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
  const lines = Array.from({ length: rows }, (_, i) => `${i},${Math.floor(random() * 1e6)},name ${Math.floor(random() * 300)},${(random() * 1000).toFixed(2)}\n`)
  return new TextEncoder().encode(lines.join(''))
}

describe('CSV compression units', () => {
  it.each(['none', 'zstd', 'gzip', 'lz4'] as const)('concatenated %s units of several batches decode to the whole CSV', async (compression) => {
    const corpus = typeCorpus()
    const columns = corpus.map((c) => c.spec)
    const ranges: [number, number][] = [[0, 2], [2, 3], [3, 3], [3, 6]]
    const units = await Promise.all(ranges.map(([start, end], i) =>
      encodeCsvBatch(batchIpc(sliceCorpus(corpus, start, end)), { header: i === 0, compression, compressionLevel: null, columns })))
    const whole = await encodeCsvBatch(batchIpc(corpus), { header: true, compression: 'none', compressionLevel: null, columns })
    expect(await decompressAll(new Uint8Array(Buffer.concat(units)), compression)).toBe(decoder.decode(whole))
    if (compression === 'lz4') expect(splitLz4Frames(new Uint8Array(Buffer.concat(units)))).toHaveLength(4)
  })

  it('honours the zstd and gzip levels', async () => {
    const text = sampleText(20_000)
    const size = async (compression: CsvCompression, level: number | null) => (await compressUnit(text, compression, level)).length
    expect(await size('zstd', 19)).toBeLessThan(await size('zstd', 1))
    expect(await size('zstd', -5)).toBeGreaterThan(await size('zstd', 1))
    expect(await size('zstd', null)).toBe(await size('zstd', 1)) // the default level
    expect(await size('gzip', 9)).toBeLessThan(await size('gzip', 1))
    expect(await size('gzip', 0)).toBeGreaterThan(text.length) // stored blocks
    expect(await decompressAll(await compressUnit(text, 'zstd', 19), 'zstd')).toBe(decoder.decode(text))
  })

  it.each([
    ['zstd', 23], ['zstd', 2.5], ['gzip', 10], ['gzip', -1], ['lz4', 1],
  ] as const)('rejects %s level %s', async (compression, level) => {
    await expect(compressUnit(new Uint8Array(1), compression, level)).rejects.toMatchObject({ code: 'RIVET_CONFIG_RANGE' })
  })

  it('ignores the level when there is no compression', async () => {
    const text = sampleText(3)
    expect(await compressUnit(text, 'none', 5)).toEqual(text)
  })

  it.each(['none', 'zstd', 'gzip', 'lz4'] as const)('returns %s units that own their buffer, so they can be transferred', async (compression) => {
    const view = sampleText(50).subarray(5, 400)
    const unit = await compressUnit(view, compression, null)
    expect(unit.byteOffset).toBe(0)
    expect(unit.byteLength).toBe(unit.buffer.byteLength)
  })
})

describe('CSV value writers on sliced Arrow data', () => {
  it('honour Data offsets for values, validity bits, bool bits and list offsets', () => {
    const corpus = typeCorpus()
    const batch = makeBatch(corpus)
    corpus.forEach((column, c) => {
      const data = batch.data.children[c]
      const render = (d: typeof data, i: number): string | null => {
        const nulls = validityOf(d)
        if (nulls !== null && (nulls[(d.offset + i) >> 3] & (1 << ((d.offset + i) & 7))) === 0) return null
        const out = new ByteWriter(16)
        makeValueWriter(column.spec.type, d, 'csv', 44, column.spec.name)(out, i)
        return decoder.decode(out.view())
      }
      const sliced = data.slice(3, 3)
      expect(sliced.offset, column.spec.name).toBe(3)
      for (let i = 0; i < 3; i++) expect(render(sliced, i), `${column.spec.name}[${i + 3}]`).toBe(render(data, i + 3))
    })
  })
})
