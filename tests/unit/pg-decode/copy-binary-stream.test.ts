import { tableFromIPC, type RecordBatch, type Vector } from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { BatchBuilder } from '../../../src/arrow/index.js'
import { CopyBinaryStream, PgRowDecoder } from '../../../src/source/pg/decode/index.js'
import type { ColumnSpec } from '../../../src/types/index.js'
import { COPY_HEADER, array, be16, be32, be64, concat, copyStream, numeric, text, tuple } from './wire-bytes.js'
import { caught } from '../../helpers/errors.js'

const columns: ColumnSpec[] = [
  { name: 'id', type: { kind: 'int', bits: 64, signed: true }, nullable: false, sourceType: 'bigint', decoder: 'int8', fidelity: 'exact' },
  { name: 'name', type: { kind: 'utf8' }, nullable: true, sourceType: 'text', decoder: 'text', fidelity: 'exact' },
  { name: 'amount', type: { kind: 'decimal', precision: 18, scale: 4 }, nullable: true, sourceType: 'numeric(18,4)', decoder: 'numeric', fidelity: 'exact' },
  { name: 'tags', type: { kind: 'list', item: { kind: 'int', bits: 32, signed: true } }, nullable: true, sourceType: 'integer[]', decoder: 'array', itemDecoder: 'int4', fidelity: 'exact' },
]

const rows = [
  tuple([be64(1n), text('alpha'), numeric('12.5'), array(23, [3], [be32(1), null, be32(-3)])]),
  tuple([be64(-(2n ** 63n)), null, null, null]),
  tuple([be64(2n ** 63n - 1n), text('x'.repeat(300) + 'ü'), numeric('-0.0001'), array(23, [], [])]),
]
const stream = copyStream(rows)

function setup(onBatch?: (b: RecordBatch) => void, maxRows?: number) {
  const batch = new BatchBuilder(columns, { maxRows })
  const decoder = new PgRowDecoder(columns, batch)
  return { batch, decoder, copy: new CopyBinaryStream(decoder, { onBatch }) }
}

function readBack(batch: BatchBuilder) {
  const t = tableFromIPC(batch.toIPC(batch.finishBatch()))
  return {
    id: [...(t.getChild('id') as Vector)],
    name: [...(t.getChild('name') as Vector)].map((v) => (typeof v === 'string' ? v.length : v)),
    tags: [...(t.getChild('tags') as Vector)].map((v) => (v === null ? null : [...(v as Vector)])),
  }
}

const expected = {
  id: [1n, -(2n ** 63n), 2n ** 63n - 1n],
  name: [5, null, 301],
  tags: [[1, null, -3], null, []],
}


describe('CopyBinaryStream', () => {
  it('decodes a stream delivered in one chunk', () => {
    const { batch, copy } = setup()
    copy.push(stream)
    copy.end()
    expect(copy.rows).toBe(3)
    expect(readBack(batch)).toEqual(expected)
  })

  it('decodes the same rows at every split point and byte by byte', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const { batch, copy } = setup()
      copy.push(stream.subarray(0, cut))
      copy.push(stream.subarray(cut))
      copy.end()
      expect(readBack(batch), `split at ${cut}`).toEqual(expected)
    }
    const { batch, copy } = setup()
    for (let i = 0; i < stream.length; i++) copy.push(stream.subarray(i, i + 1))
    copy.end()
    expect(readBack(batch)).toEqual(expected)
  })

  it('ships batches through onBatch when the builder is full, and the rest at end()', () => {
    const batches: RecordBatch[] = []
    const { copy } = setup((b) => batches.push(b), 2)
    copy.push(stream)
    copy.end()
    expect(batches.map((b) => b.numRows)).toEqual([2, 1])
  })

  it('throws on a truncated stream, a missing trailer and a bad signature', () => {
    const a = setup()
    a.copy.push(stream.subarray(0, stream.length - 5))
    expect(caught(() => a.copy.end()).code).toBe('RIVET_SOURCE_PROTOCOL')
    const b = setup()
    b.copy.push(stream.subarray(0, stream.length - 2))
    expect(caught(() => b.copy.end()).message).toContain('trailer')
    const c = setup()
    expect(caught(() => c.copy.push(concat([text('PGCOPX\n'), stream.subarray(7)]))).code).toBe('RIVET_SOURCE_PROTOCOL')
    const d = setup()
    d.copy.push(COPY_HEADER.subarray(0, 10))
    expect(caught(() => d.copy.end()).message).toContain('header')
  })

  it('skips a header extension', () => {
    const { batch, copy } = setup()
    const withExt = concat([COPY_HEADER.subarray(0, 15), be32(3), new Uint8Array([9, 9, 9]), ...rows, be16(0xffff)])
    copy.push(withExt)
    copy.end()
    expect(readBack(batch)).toEqual(expected)
  })
})

describe('PgRowDecoder', () => {
  it('decodes a DataRow-style body at an offset and returns the end offset', () => {
    const { batch, decoder } = setup()
    const buf = concat([new Uint8Array(7), rows[0], rows[1]])
    const next = decoder.decodeRow(buf, 7)
    expect(next).toBe(7 + rows[0].length)
    expect(decoder.decodeRow(buf, next)).toBe(buf.length)
    expect(batch.rows).toBe(2)
  })

  it('rejects a multi-dimensional array naming the column', () => {
    const { decoder } = setup()
    const bad = tuple([be64(1n), null, null, array(23, [2, 1], [be32(1), be32(2)])])
    const err = caught(() => decoder.decodeRow(bad, 0))
    expect(err.code).toBe('RIVET_DATA_ARRAY_DIMENSIONS')
    expect(err.message).toContain('"tags"')
  })

  it('rejects a row with the wrong field count and a value of the wrong size', () => {
    const { decoder } = setup()
    expect(caught(() => decoder.decodeRow(tuple([be64(1n)]), 0)).code).toBe('RIVET_SOURCE_PROTOCOL')
    expect(caught(() => decoder.decodeRow(tuple([be32(1), null, null, null]), 0)).code).toBe('RIVET_DATA_DECODE')
  })
})
