import { tableFromIPC } from 'apache-arrow'
import { readParquet } from 'parquet-wasm'
import { describe, expect, it } from 'vitest'
import {
  ParquetFileAssembler, decodeThriftStruct, encodeParquetRowGroup, getField, getInt, getStruct, type ParquetEncodeOptions,
} from '../../../src/format/parquet/index.js'
import { batchIpc, spec, type FixtureColumn } from './arrow-fixtures.js'
import { assembleFile, normalizeFixture, normalizeRead, readWithHyparquet } from './parquet-readback.js'

const ROWS = 3000

/** Mixed columns: unique ints and texts, a low-cardinality text, NULL-heavy, all-NULL and list columns. */
function shape(): FixtureColumn[] {
  const n = Array.from({ length: ROWS }, (_, i) => i)
  return [
    { spec: spec('id', { kind: 'int', bits: 64, signed: true }, false), values: n.map((i) => BigInt(i) * 7919n - 5000n) },
    { spec: spec('text', { kind: 'utf8' }), values: n.map((i) => `customer ${i} lives at ${(i * 31) % 977} Main Street`) },
    { spec: spec('status', { kind: 'utf8' }), values: n.map((i) => ['new', 'paid', 'shipped', null][i % 4]) },
    { spec: spec('sparse', { kind: 'int', bits: 32, signed: true }), values: n.map((i) => (i % 13 === 0 ? i : null)) },
    { spec: spec('nothing', { kind: 'utf8' }), values: n.map(() => null) },
    { spec: spec('tags', { kind: 'list', item: { kind: 'int', bits: 32, signed: true } }), values: n.map((i) => (i % 5 === 0 ? null : Array.from({ length: i % 4 }, (_, k) => i + k))) },
  ]
}

const RANGES: [number, number][] = [[0, 1000], [1000, 1001], [1001, ROWS]]

function slice(columns: FixtureColumn[], start: number, end: number): FixtureColumn[] {
  return columns.map((c) => ({ spec: c.spec, values: c.values.slice(start, end) }))
}

async function expectReadsBack(file: Uint8Array, columns: FixtureColumn[]): Promise<void> {
  const { rows, metadata } = await readWithHyparquet(file)
  expect(rows).toHaveLength(columns[0].values.length)
  for (const column of columns) {
    const actual = rows.map((row) => normalizeRead(column.spec.type, row[column.spec.name]))
    expect(actual, `hyparquet column ${column.spec.name}`).toEqual(column.values.map((v) => normalizeFixture(column.spec.type, v)))
  }
  const codecs = new Set(metadata.row_groups.flatMap((rg) => rg.columns.map((c) => c.meta_data?.codec)))
  if (metadata.row_groups.length > 0) expect([...codecs]).toEqual(['ZSTD'])
  const table = tableFromIPC(readParquet(file).intoIPCStream())
  expect(table.numRows).toBe(columns[0].values.length)
  for (const column of columns) {
    const vector = table.getChild(column.spec.name)!
    const values = [...vector].map((v) => (v !== null && typeof v === 'object' ? [...(v as Iterable<unknown>)] : v ?? null))
    expect(values, `parquet-wasm column ${column.spec.name}`).toEqual(column.values)
  }
}

interface PageInfo { column: string; type: number; compressed: number; uncompressed: number; crc: boolean; v2Compressed?: boolean }

/** Walks every page of every column chunk of a file, decoding the page headers. */
async function pages(file: Uint8Array): Promise<PageInfo[]> {
  const { metadata } = await readWithHyparquet(file)
  const result: PageInfo[] = []
  for (const rowGroup of metadata.row_groups) {
    for (const chunk of rowGroup.columns) {
      const meta = chunk.meta_data!
      let offset = Number(meta.dictionary_page_offset ?? meta.data_page_offset)
      const end = offset + Number(meta.total_compressed_size)
      while (offset < end) {
        const { value: header, end: payload } = decodeThriftStruct(file, offset)
        const compressed = getInt(header, 3)!
        const v2 = getStruct(header, 8)
        const flag = v2 === undefined ? undefined : getField(v2, 7)
        result.push({
          column: meta.path_in_schema[0], type: getInt(header, 1)!, compressed, uncompressed: getInt(header, 2)!, crc: getField(header, 4) !== undefined,
          ...(flag?.type === 'bool' ? { v2Compressed: flag.value } : {}),
        })
        offset = payload + compressed
      }
      expect(offset).toBe(end)
    }
  }
  return result
}

describe('Parquet zstd pages compressed by native zstd', () => {
  it.each([
    { name: 'v1 pages with dictionaries', options: { writerVersion: 1, dictionary: true } },
    { name: 'v1 pages without dictionaries', options: { writerVersion: 1, dictionary: false } },
    { name: 'v2 pages with dictionaries', options: { writerVersion: 2, dictionary: true } },
    { name: 'v2 pages without dictionaries, page statistics', options: { writerVersion: 2, dictionary: false, statistics: 'page' } },
  ] as const)('reads back exactly with hyparquet and parquet-wasm: $name', async ({ options }) => {
    const columns = shape()
    const file = await assembleFile(columns, RANGES, { compression: 'zstd', compressionLevel: null, dataPageSizeLimit: 2048, ...options })
    await expectReadsBack(file, columns)
    const all = await pages(file)
    const dataType = options.writerVersion === 2 ? 3 : 0
    expect(new Set(all.map((p) => p.type))).toEqual(new Set(options.dictionary ? [2, dataType] : [dataType]))
    expect(all.some((p) => p.column === 'status' && p.type === 2)).toBe(options.dictionary)
    expect(all.filter((p) => p.type === dataType).length).toBeGreaterThan(RANGES.length * columns.length) // several pages per chunk
    expect(all.some((p) => p.crc)).toBe(false)
    if (options.writerVersion === 2) expect(all.every((p) => p.type !== 3 || p.v2Compressed === true)).toBe(true)
    // the text pages (plain data, or the dictionary when there is one) really are compressed
    const text = all.filter((p) => p.column === 'text')
    const sum = (key: 'compressed' | 'uncompressed') => text.reduce((s, p) => s + p[key], 0)
    expect(sum('compressed')).toBeLessThan(sum('uncompressed') / 2)
  })

  it('honours the level: level 1 and 9 give different sizes and both read back', async () => {
    const columns = shape()
    const options: ParquetEncodeOptions = { compression: 'zstd', compressionLevel: 1, dictionary: false }
    const level1 = await assembleFile(columns, [[0, ROWS]], options)
    const level9 = await assembleFile(columns, [[0, ROWS]], { ...options, compressionLevel: 9 })
    expect(level9.length).not.toBe(level1.length)
    await expectReadsBack(level1, columns)
    await expectReadsBack(level9, columns)
    const { metadata } = await readWithHyparquet(level9)
    for (const chunk of metadata.row_groups[0].columns) {
      expect(chunk.meta_data?.codec).toBe('ZSTD')
      // total_uncompressed_size counts headers plus uncompressed payloads; compression made the chunk smaller
      if (chunk.meta_data?.path_in_schema[0] === 'text') expect(chunk.meta_data.total_compressed_size).toBeLessThan(chunk.meta_data.total_uncompressed_size)
    }
  })

  it('keeps row group offsets and sizes consistent with the rewritten pages', async () => {
    const file = await assembleFile(shape(), RANGES, { compression: 'zstd', compressionLevel: 3, dataPageSizeLimit: 4096 })
    const { metadata } = await readWithHyparquet(file)
    let expected = 4n
    for (const rowGroup of metadata.row_groups) {
      expect(rowGroup.file_offset).toBe(expected)
      const sum = rowGroup.columns.reduce((s, c) => s + c.meta_data!.total_compressed_size, 0n)
      expect(rowGroup.total_compressed_size).toBe(sum)
      for (const chunk of rowGroup.columns) {
        expect(chunk.meta_data!.dictionary_page_offset ?? chunk.meta_data!.data_page_offset).toBe(expected)
        expected += chunk.meta_data!.total_compressed_size
      }
    }
  })

  it('encodes an empty batch into zero row groups that assemble into a readable file', async () => {
    for (const writerVersion of [1, 2] as const) {
      const columns = slice(shape(), 0, 0)
      const encoded = await encodeParquetRowGroup(batchIpc(columns), { compression: 'zstd', compressionLevel: 5, writerVersion })
      expect(encoded.rowGroupCount).toBe(0)
      expect(encoded.rows).toBe(0)
      const assembler = new ParquetFileAssembler({ columns: columns.map((c) => c.spec), createdBy: 'rivet test' })
      const file = new Uint8Array(Buffer.concat([assembler.start(), assembler.add(encoded), assembler.finish()]))
      await expectReadsBack(file, columns)
    }
  })

  it('reads back a batch whose every column is NULL but one', async () => {
    const columns = shape().map((c, i) => (i === 0 ? c : { spec: c.spec, values: c.values.map(() => null) }))
    for (const writerVersion of [1, 2] as const) {
      await expectReadsBack(await assembleFile(columns, RANGES, { compression: 'zstd', compressionLevel: null, writerVersion }), columns)
    }
  })

  it.each([0, 23, 1.5])('rejects zstd level %s', async (level) => {
    await expect(encodeParquetRowGroup(batchIpc(slice(shape(), 0, 3)), { compression: 'zstd', compressionLevel: level }))
      .rejects.toMatchObject({ code: 'RIVET_CONFIG_RANGE' })
  })
})
