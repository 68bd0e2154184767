import { tableFromIPC } from 'apache-arrow'
import { Compression, Table as WasmTable, WriterPropertiesBuilder, readParquet, writeParquet } from 'parquet-wasm'
import { describe, expect, it } from 'vitest'
import { ParquetFileAssembler, decodeThriftStruct, encodeParquetRowGroup, getList, splitParquetFile, type ParquetEncodeOptions } from '../../../src/format/parquet/index.js'
import { batchIpc, schemaOnlyIpc, spec } from './arrow-fixtures.js'
import { assembleFile, normalizeFixture, normalizeRead, readWithHyparquet } from './parquet-readback.js'
import { ROWS, sliceCorpus, typeCorpus } from './type-corpus.js'

const ZSTD: ParquetEncodeOptions = { compression: 'zstd', compressionLevel: null }
const RANGES: [number, number][] = [[0, 2], [2, 3], [3, 6]]

async function expectCorpusReadsBack(file: Uint8Array): Promise<void> {
  const corpus = typeCorpus()
  const { rows } = await readWithHyparquet(file)
  expect(rows).toHaveLength(ROWS)
  for (const column of corpus) {
    const actual = rows.map((row) => normalizeRead(column.spec.type, row[column.spec.name]))
    const expected = column.values.map((v) => normalizeFixture(column.spec.type, v))
    expect(actual, `column ${column.spec.name}`).toEqual(expected)
  }
}

describe('ParquetFileAssembler', () => {
  it('assembles a multi-row-group file whose every value reads back exactly with hyparquet', async () => {
    const file = await assembleFile(typeCorpus(), RANGES, ZSTD)
    await expectCorpusReadsBack(file)
    const { metadata } = await readWithHyparquet(file)
    expect(metadata.row_groups.map((rg) => Number(rg.num_rows))).toEqual([2, 1, 3])
    expect(metadata.row_groups.map((rg) => rg.ordinal)).toEqual([0, 1, 2])
    expect(Number(metadata.num_rows)).toBe(ROWS)
    expect(metadata.created_by).toBe('rivet test')
    expect(metadata.key_value_metadata?.map((kv) => kv.key)).toContain('ARROW:schema')
  })

  it('places every row group at its absolute offset and drops page index references', async () => {
    const file = await assembleFile(typeCorpus(), RANGES, { ...ZSTD, statistics: 'page' })
    const { metadata } = await readWithHyparquet(file)
    let expectedStart = 4n
    for (const rowGroup of metadata.row_groups) {
      const starts = rowGroup.columns.map((c) => c.meta_data?.dictionary_page_offset ?? c.meta_data?.data_page_offset)
      expect(rowGroup.file_offset).toBe(expectedStart)
      expect(starts[0]).toBe(expectedStart)
      for (const chunk of rowGroup.columns) {
        expect(chunk.column_index_offset).toBeUndefined()
        expect(chunk.offset_index_offset).toBeUndefined()
        // the page at the recorded offset must be a page header, i.e. the column's bytes really are there
        expect(Number(chunk.meta_data?.data_page_offset)).toBeLessThan(file.length)
      }
      expectedStart += rowGroup.total_compressed_size ?? 0n
    }
  })

  it('sets the UUID and JSON logical types (also on list items) and keeps timestamp UTC flags', async () => {
    const { metadata } = await readWithHyparquet(await assembleFile(typeCorpus(), RANGES, ZSTD))
    const byName = (name: string) => metadata.schema.find((e) => e.name === name)!
    expect(byName('u').logical_type).toEqual({ type: 'UUID' })
    expect(byName('u').type_length).toBe(16)
    expect(byName('j').logical_type).toEqual({ type: 'JSON' })
    expect(byName('j').converted_type).toBe('JSON')
    expect(byName('s').logical_type).toEqual({ type: 'STRING' })
    expect(byName('ts').logical_type).toEqual({ type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' })
    expect(byName('tsn').logical_type).toEqual({ type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' })
    expect(byName('d76').logical_type).toEqual({ type: 'DECIMAL', scale: 20, precision: 76 })
    const items = metadata.schema.filter((e) => e.name === 'item')
    const listNames = metadata.schema.filter((e) => e.logical_type?.type === 'LIST').map((e) => e.name)
    expect(listNames).toEqual(['li', 'ls', 'lu', 'lj'])
    expect(items.map((e) => e.logical_type?.type)).toEqual([undefined, 'STRING', 'UUID', 'JSON'])
    expect(items[3].converted_type).toBe('JSON')
  })

  it('is readable by parquet-wasm with the right row count and values', async () => {
    const table = tableFromIPC(readParquet(await assembleFile(typeCorpus(), RANGES, ZSTD)).intoIPCStream())
    expect(table.numRows).toBe(ROWS)
    expect([...table.getChild('i64')!].map((v) => (v === null ? null : BigInt(v as bigint)))).toEqual(typeCorpus()[5].values)
    expect([...table.getChild('s')!]).toEqual(typeCorpus().find((c) => c.spec.name === 's')!.values)
  })

  it.each(['zstd', 'snappy', 'gzip', 'lz4', 'none'] as const)('writes and reads back with %s compression', async (compression) => {
    const file = await assembleFile(typeCorpus(), RANGES, { compression, compressionLevel: null })
    await expectCorpusReadsBack(file)
    const { metadata } = await readWithHyparquet(file)
    const expected = { zstd: 'ZSTD', snappy: 'SNAPPY', gzip: 'GZIP', lz4: 'LZ4_RAW', none: 'UNCOMPRESSED' }[compression]
    const codecs = new Set(metadata.row_groups.flatMap((rg) => rg.columns.map((c) => c.meta_data?.codec)))
    expect([...codecs]).toEqual([expected])
    expect(readParquet(file).numBatches).toBeGreaterThan(0)
  })

  it.each([
    { name: 'writer v2, page statistics, no dictionary', options: { ...ZSTD, writerVersion: 2, statistics: 'page', dictionary: false } },
    { name: 'no statistics, tiny data pages', options: { ...ZSTD, statistics: 'none', dataPageSizeLimit: 64 } },
  ] satisfies { name: string; options: ParquetEncodeOptions }[])('reads back with $name', async ({ options }) => {
    await expectCorpusReadsBack(await assembleFile(typeCorpus(), RANGES, options))
  })

  it('writes a valid zero-row file with the full schema from an empty batch', async () => {
    for (const ipc of [schemaOnlyIpc(typeCorpus()), batchIpc(typeCorpus().map((c) => ({ spec: c.spec, values: [] })))]) {
      const assembler = new ParquetFileAssembler({ columns: typeCorpus().map((c) => c.spec), createdBy: 'rivet test' })
      const file = new Uint8Array(Buffer.concat([assembler.start(), assembler.add(await encodeParquetRowGroup(ipc, ZSTD)), assembler.finish()]))
      expect(assembler.rows).toBe(0)
      expect(assembler.rowGroups).toBe(0)
      const { metadata, rows } = await readWithHyparquet(file)
      expect(rows).toEqual([])
      expect(metadata.schema.find((e) => e.name === 'u')?.logical_type).toEqual({ type: 'UUID' })
      expect(metadata.schema).toHaveLength(37)
      expect(tableFromIPC(readParquet(file).intoIPCStream()).schema.fields.map((f) => f.name)).toEqual(typeCorpus().map((c) => c.spec.name))
    }
  })

  it('takes the schema from setSchemaFrom without adding rows', async () => {
    const corpus = typeCorpus()
    const assembler = new ParquetFileAssembler({ columns: corpus.map((c) => c.spec), createdBy: 'rivet test' })
    const start = assembler.start()
    assembler.setSchemaFrom(await encodeParquetRowGroup(batchIpc(corpus), ZSTD))
    expect(assembler.rows).toBe(0)
    expect(assembler.bytesWritten).toBe(4)
    const file = new Uint8Array(Buffer.concat([start, assembler.finish()]))
    const { metadata, rows } = await readWithHyparquet(file)
    expect(rows).toEqual([])
    expect(metadata.schema.find((e) => e.name === 'j')?.logical_type).toEqual({ type: 'JSON' })
    expect(tableFromIPC(readParquet(file).intoIPCStream()).numRows).toBe(0)
  })

  it('accepts an empty batch before data batches and keeps the column orders of the data', async () => {
    const corpus = typeCorpus()
    const assembler = new ParquetFileAssembler({ columns: corpus.map((c) => c.spec), createdBy: 'rivet test' })
    const parts = [assembler.start(), assembler.add(await encodeParquetRowGroup(schemaOnlyIpc(corpus), ZSTD))]
    parts.push(assembler.add(await encodeParquetRowGroup(batchIpc(corpus), ZSTD)), assembler.finish())
    const file = new Uint8Array(Buffer.concat(parts))
    await expectCorpusReadsBack(file)
    // hyparquet does not surface column_orders: decode the footer directly
    const footerLength = new DataView(file.buffer, file.byteOffset).getUint32(file.length - 8, true)
    const footer = decodeThriftStruct(file.subarray(file.length - 8 - footerLength, file.length - 8)).value
    expect(getList(footer, 7)?.elements).toHaveLength(corpus.length) // one leaf per column: every list has one leaf
  })

  it('relocates files that hold several row groups each', async () => {
    const corpus = typeCorpus()
    const assembler = new ParquetFileAssembler({ columns: corpus.map((c) => c.spec), createdBy: 'rivet test' })
    const parts = [assembler.start()]
    for (const [start, end] of [[0, 3], [3, 6]]) {
      const props = new WriterPropertiesBuilder().setCompression(Compression.ZSTD).setMaxRowGroupSize(2).build()
      const split = splitParquetFile(writeParquet(WasmTable.fromIPCStream(batchIpc(sliceCorpus(corpus, start, end))), props))
      expect(split.rowGroupCount).toBe(2)
      parts.push(assembler.add(split))
    }
    parts.push(assembler.finish())
    const file = new Uint8Array(Buffer.concat(parts))
    await expectCorpusReadsBack(file)
    const { metadata } = await readWithHyparquet(file)
    expect(metadata.row_groups.map((rg) => [Number(rg.num_rows), rg.ordinal])).toEqual([[2, 0], [1, 1], [2, 2], [1, 3]])
  })

  it('counts rows, row groups and bytes', async () => {
    const corpus = typeCorpus()
    const assembler = new ParquetFileAssembler({ columns: corpus.map((c) => c.spec), createdBy: 'x' })
    expect(assembler.start()).toEqual(Uint8Array.of(0x50, 0x41, 0x52, 0x31))
    const encoded = await encodeParquetRowGroup(batchIpc(corpus), ZSTD)
    expect(encoded.rows).toBe(ROWS)
    expect(encoded.rowGroupCount).toBe(1)
    expect(encoded.uncompressedBytes).toBeGreaterThan(0)
    const body = assembler.add(encoded)
    expect(assembler.bytesWritten).toBe(4 + body.length)
    expect(assembler.rows).toBe(ROWS)
    expect(assembler.rowGroups).toBe(1)
    const footer = assembler.finish()
    expect(assembler.bytesWritten).toBe(4 + body.length + footer.length)
    expect(Buffer.from(footer.subarray(-4)).toString()).toBe('PAR1')
  })

  it('rejects out-of-order calls, a missing schema and a batch with another schema', async () => {
    const columns = [spec('a', { kind: 'int', bits: 32, signed: true })]
    const assembler = new ParquetFileAssembler({ columns, createdBy: 'x' })
    const one = await encodeParquetRowGroup(batchIpc([{ spec: columns[0], values: [1] }]), ZSTD)
    expect(() => assembler.add(one)).toThrow(/called on a new file/)
    assembler.start()
    expect(() => assembler.finish()).toThrow(expect.objectContaining({ code: 'RIVET_INTERNAL' }))
    const fresh = new ParquetFileAssembler({ columns, createdBy: 'x' })
    fresh.start()
    fresh.add(await encodeParquetRowGroup(batchIpc([{ spec: columns[0], values: [1] }]), ZSTD))
    const other = await encodeParquetRowGroup(batchIpc([{ spec: spec('b', { kind: 'utf8' }), values: ['x'] }]), ZSTD)
    expect(() => fresh.add(other)).toThrow(/different Parquet schema/)
  })

  it('builds fresh writer properties for every batch, so every batch is compressed', async () => {
    const big = [{ spec: spec('s', { kind: 'utf8' }, false), values: Array.from({ length: 4000 }, (_, i) => `row ${i % 7} `.repeat(8)) }]
    const encoded = await Promise.all([0, 1, 2].map(() => encodeParquetRowGroup(batchIpc(big), { compression: 'zstd', compressionLevel: null, dictionary: false })))
    for (const e of encoded) expect(e.body.length).toBeLessThan(e.uncompressedBytes / 4)
  })
})
