import { DataType, tableFromIPC, type Vector } from 'apache-arrow'
import * as parquet from 'parquet-wasm/node'
import { describe, expect, it } from 'vitest'
import { BatchBuilder, toArrowSchema, toArrowType, type DecimalBuilder, type FixedSizeBinaryBuilder, type FixedWidthBuilder, type ListBuilder, type VarBinaryBuilder } from '../../../src/arrow/index.js'
import type { ColumnSpec, RivetType } from '../../../src/types/index.js'
import { column, decimalAt } from './helpers.js'

const spec = (name: string, type: RivetType, nullable = true): ColumnSpec => ({ name, type, nullable, sourceType: `src_${name}`, decoder: 'x', fidelity: 'exact' })

describe('toArrowType', () => {
  it.each<[RivetType, string]>([
    [{ kind: 'bool' }, 'Bool'],
    [{ kind: 'int', bits: 8, signed: true }, 'Int8'],
    [{ kind: 'int', bits: 16, signed: true }, 'Int16'],
    [{ kind: 'int', bits: 32, signed: false }, 'Uint32'],
    [{ kind: 'int', bits: 64, signed: true }, 'Int64'],
    [{ kind: 'int', bits: 64, signed: false }, 'Uint64'],
    [{ kind: 'float', bits: 32 }, 'Float32'],
    [{ kind: 'float', bits: 64 }, 'Float64'],
    [{ kind: 'decimal', precision: 38, scale: 10 }, 'Decimal[38e+10]'],
    [{ kind: 'utf8' }, 'Utf8'],
    [{ kind: 'json' }, 'Utf8'],
    [{ kind: 'binary' }, 'Binary'],
    [{ kind: 'uuid' }, 'FixedSizeBinary[16]'],
    [{ kind: 'date' }, 'Date32<DAY>'],
    [{ kind: 'time' }, 'Time64<MICROSECOND>'],
    [{ kind: 'timestamp', tz: 'UTC' }, 'Timestamp<MICROSECOND, UTC>'],
    [{ kind: 'timestamp', tz: null }, 'Timestamp<MICROSECOND>'],
    [{ kind: 'list', item: { kind: 'int', bits: 32, signed: true } }, 'List<Int32>'],
  ])('%j → %s', (t, name) => {
    expect(String(toArrowType(t))).toBe(name)
  })

  it('picks decimal128 up to precision 38 and decimal256 above', () => {
    expect((toArrowType({ kind: 'decimal', precision: 38, scale: 0 }) as unknown as { bitWidth: number }).bitWidth).toBe(128)
    expect((toArrowType({ kind: 'decimal', precision: 39, scale: 0 }) as unknown as { bitWidth: number }).bitWidth).toBe(256)
  })
})

describe('toArrowSchema', () => {
  it('sets nullability, source type and extension metadata', () => {
    const schema = toArrowSchema([
      spec('id', { kind: 'uuid' }, false),
      spec('doc', { kind: 'json' }),
      spec('ids', { kind: 'list', item: { kind: 'uuid' } }),
    ])
    const [id, doc, ids] = schema.fields
    expect(id.nullable).toBe(false)
    expect(doc.nullable).toBe(true)
    expect(id.metadata.get('ARROW:extension:name')).toBe('arrow.uuid')
    expect(id.metadata.get('ARROW:extension:metadata')).toBe('')
    expect(doc.metadata.get('ARROW:extension:name')).toBe('arrow.json')
    expect(id.metadata.get('rivet.source_type')).toBe('src_id')
    expect((ids.type as DataType).children[0].metadata.get('ARROW:extension:name')).toBe('arrow.uuid')
  })
})

function fillSample(b: BatchBuilder): void {
  const [i64, s, dec, uuid, list] = b.builders as [FixedWidthBuilder, VarBinaryBuilder, DecimalBuilder, FixedSizeBinaryBuilder, ListBuilder<VarBinaryBuilder>]
  for (let r = 0; r < 3; r++) {
    i64.appendBigInt64(BigInt(r) - 2n ** 63n)
    r === 1 ? s.appendNull() : s.appendString(`row ${r} ✓`)
    dec.appendBigInt(-(10n ** 60n) - BigInt(r))
    uuid.appendBytes(Uint8Array.from({ length: 16 }, (_, k) => k + r), 0)
    if (r === 2) list.appendNull()
    else {
      list.child.appendString('a')
      list.child.appendNull()
      list.endList()
    }
    b.endRow()
  }
}

const sampleColumns = [
  spec('i64', { kind: 'int', bits: 64, signed: true }, false),
  spec('s', { kind: 'utf8' }),
  spec('dec', { kind: 'decimal', precision: 70, scale: 5 }),
  spec('u', { kind: 'uuid' }),
  spec('tags', { kind: 'list', item: { kind: 'utf8' } }),
]

describe('BatchBuilder', () => {
  it('tracks rows and bytes, and refuses a batch whose columns disagree', () => {
    const b = new BatchBuilder(sampleColumns, { maxRows: 3 })
    expect(b.full).toBe(false)
    fillSample(b)
    expect(b.rows).toBe(3)
    expect(b.byteLength).toBeGreaterThan(3 * (8 + 32 + 16))
    expect(b.full).toBe(true)
    b.finishBatch()
    expect(b.rows).toBe(0)
    ;(b.builders[0] as FixedWidthBuilder).appendInt32(1)
    b.endRow()
    expect(() => b.finishBatch()).toThrow(/has 1 values in a batch of 1 rows|column s has 0 values/)
  })

  it('writes a standalone, transferable IPC stream that apache-arrow and parquet-wasm read back', () => {
    const b = new BatchBuilder(sampleColumns)
    fillSample(b)
    const ipc = b.toIPC(b.finishBatch())
    expect(ipc.byteOffset).toBe(0)
    expect(ipc.buffer.byteLength).toBe(ipc.byteLength)
    const table = tableFromIPC(ipc)
    expect(table.numRows).toBe(3)
    expect(table.schema.fields.map((f) => f.name)).toEqual(['i64', 's', 'dec', 'u', 'tags'])
    expect(table.schema.fields[3].metadata.get('ARROW:extension:name')).toBe('arrow.uuid')
    expect([...(table.getChild('i64') as Vector)]).toEqual([-(2n ** 63n), -(2n ** 63n) + 1n, -(2n ** 63n) + 2n])
    expect([...(table.getChild('s') as Vector)]).toEqual(['row 0 ✓', null, 'row 2 ✓'])
    expect([0, 1, 2].map((i) => decimalAt(column(table, 'dec'), i))).toEqual([-(10n ** 60n), -(10n ** 60n) - 1n, -(10n ** 60n) - 2n])
    expect([...(table.getChild('tags') as Vector)].map((v) => (v === null ? null : [...(v as Vector)]))).toEqual([['a', null], ['a', null], null])
    const wasm = parquet.Table.fromIPCStream(ipc)
    expect(wasm.numBatches).toBe(1)
    const back = tableFromIPC(wasm.intoIPCStream())
    expect(back.numRows).toBe(3)
    expect([...(back.getChild('s') as Vector)]).toEqual(['row 0 ✓', null, 'row 2 ✓'])
  })

  it('builds an empty batch and a zero-column batch', () => {
    const empty = new BatchBuilder(sampleColumns)
    expect(tableFromIPC(empty.toIPC(empty.finishBatch())).numRows).toBe(0)
    const none = new BatchBuilder([])
    none.endRow()
    none.endRow()
    expect(none.finishBatch().numRows).toBe(2)
  })
})
