import { describe, expect, it } from 'vitest'
import { encodeParquetRowGroup, type ParquetEncodeOptions } from '../../../src/format/parquet/index.js'
import { batchIpc, spec, type FixtureColumn } from './arrow-fixtures.js'
import { assembleFile, normalizeFixture, normalizeRead, readWithHyparquet } from './parquet-readback.js'

// 40k distinct ~48-byte strings: ~1.9 MB of dictionary, past parquet-rs' 1 MiB dictionary page limit
const ROWS = 40_000

function shape(): FixtureColumn[] {
  const n = Array.from({ length: ROWS }, (_, i) => i)
  return [
    { spec: spec('unique_text', { kind: 'utf8' }), values: n.map((i) => `order ${i} shipped to ${(i * 7919) % 100003} Elm Street`) },
    { spec: spec('status', { kind: 'utf8' }), values: n.map((i) => ['new', 'paid', 'shipped', null][i % 4]) },
  ]
}

const ZSTD: ParquetEncodeOptions = { compression: 'zstd', compressionLevel: 1 }

async function dictionaryPages(file: Uint8Array): Promise<Record<string, boolean>> {
  const { metadata } = await readWithHyparquet(file)
  const out: Record<string, boolean> = {}
  for (const column of metadata.row_groups[0].columns) {
    const meta = column.meta_data!
    out[meta.path_in_schema.join('.')] = meta.dictionary_page_offset !== undefined
  }
  return out
}

describe('Parquet dictionary fallback', () => {
  it('reports the columns whose dictionary overflowed, and only those', async () => {
    const encoded = await encodeParquetRowGroup(batchIpc(shape()), ZSTD)
    expect(encoded.dictionaryFallbacks).toEqual(['unique_text'])
  })

  it('writes plainColumns without a dictionary, keeps it elsewhere, and the data reads back the same', async () => {
    const columns = shape()
    const options = { ...ZSTD, plainColumns: ['unique_text'] }
    expect((await encodeParquetRowGroup(batchIpc(columns), options)).dictionaryFallbacks).toEqual(['unique_text'])
    const file = await assembleFile(columns, [[0, ROWS]], options)
    expect(await dictionaryPages(file)).toEqual({ unique_text: false, status: true })
    const { rows } = await readWithHyparquet(file)
    for (const column of columns) {
      const actual = rows.map((row) => normalizeRead(column.spec.type, row[column.spec.name]))
      expect(actual).toEqual(column.values.map((v) => normalizeFixture(column.spec.type, v)))
    }
  })

  it('ignores plainColumns when dictionaries are off altogether', async () => {
    const file = await assembleFile(shape(), [[0, ROWS]], { ...ZSTD, dictionary: false, plainColumns: ['status'] })
    expect(await dictionaryPages(file)).toEqual({ unique_text: false, status: false })
  })
})
