import * as pw from 'parquet-wasm'
import { describe, expect, it } from 'vitest'
import {
  decodeThriftStruct, decodeThriftValue, encodeThriftStruct, encodeThriftValue, getField, getI64, getInt, getString,
  setField, deleteField, tI32, tI64, tList, tString, tStruct, type ThriftStruct, type ThriftValue,
} from '../../../src/format/parquet/index.js'
import { batchIpc } from './arrow-fixtures.js'
import { typeCorpus } from './type-corpus.js'

function footerBytes(file: Uint8Array): Uint8Array {
  const length = new DataView(file.buffer, file.byteOffset).getUint32(file.length - 8, true)
  return file.subarray(file.length - 8 - length, file.length - 8)
}

function parquetFooter(options: (b: pw.WriterPropertiesBuilder) => pw.WriterPropertiesBuilder): Uint8Array {
  const file = pw.writeParquet(pw.Table.fromIPCStream(batchIpc(typeCorpus())), options(new pw.WriterPropertiesBuilder()).build())
  return footerBytes(file)
}

const everyType: ThriftStruct = tStruct([
  { id: 1, value: { type: 'bool', value: true } },
  { id: 2, value: { type: 'bool', value: false } },
  { id: 3, value: { type: 'i8', value: -128 } },
  { id: 4, value: { type: 'i16', value: -32768 } },
  { id: 5, value: { type: 'i32', value: -2147483648 } },
  { id: 6, value: { type: 'i32', value: 2147483647 } },
  { id: 7, value: tI64(-9223372036854775808n) },
  { id: 8, value: tI64(9223372036854775807n) },
  { id: 9, value: tI64(-1) },
  { id: 10, value: { type: 'double', value: -1.5e-300 } },
  { id: 11, value: tString('héllo') },
  { id: 30, value: tList('i32', Array.from({ length: 20 }, (_, i) => tI32(i - 10))) },
  { id: 31, value: { type: 'set', elementType: 'binary', elements: [tString('a'), tString('')] } },
  { id: 32, value: tList('bool', [{ type: 'bool', value: true }, { type: 'bool', value: false }]) },
  { id: 33, value: { type: 'map', keyType: null, valueType: null, entries: [] } },
  { id: 34, value: { type: 'map', keyType: 'binary', valueType: 'i64', entries: [[tString('k'), tI64(5)]] } },
  { id: 400, value: tStruct([{ id: 1, value: tStruct() }, { id: 2, value: tList('struct', [tStruct([{ id: 3, value: tI32(1) }])]) }]) },
  { id: 2, value: tI32(7) }, // a decreasing id takes the long header form
])

describe('thrift compact codec', () => {
  it('round-trips parquet-wasm footers byte for byte', () => {
    const footers = [
      parquetFooter((b) => b),
      parquetFooter((b) => b.setCompression(pw.Compression.ZSTD).setWriterVersion(pw.WriterVersion.V2)),
      parquetFooter((b) => b.setStatisticsEnabled(pw.EnabledStatistics.Page).setDictionaryEnabled(false)),
    ]
    for (const bytes of footers) {
      const { value, end } = decodeThriftStruct(bytes)
      expect(end).toBe(bytes.length)
      expect(Buffer.from(encodeThriftStruct(value)).equals(Buffer.from(bytes))).toBe(true)
    }
  })

  it('round-trips every value type, long lists, empty maps and long field headers', () => {
    const bytes = encodeThriftStruct(everyType)
    const decoded = decodeThriftStruct(bytes).value
    expect(decoded).toEqual(everyType)
    expect(Buffer.from(encodeThriftStruct(decoded)).equals(Buffer.from(bytes))).toBe(true)
  })

  it('writes the canonical compact bytes', () => {
    // field 1 i32 = 1: short header 0x15, zigzag varint 2, stop
    expect([...encodeThriftStruct(tStruct([{ id: 1, value: tI32(1) }]))]).toEqual([0x15, 0x02, 0x00])
    // field 20 i64 = -1: long header (type 6, zigzag id 40), zigzag varint 1
    expect([...encodeThriftStruct(tStruct([{ id: 20, value: tI64(-1) }]))]).toEqual([0x06, 0x28, 0x01, 0x00])
    // bool fields live in the header nibble
    expect([...encodeThriftStruct(tStruct([{ id: 1, value: { type: 'bool', value: false } }]))]).toEqual([0x12, 0x00])
    // list of 15 i32s needs the long list header
    expect([...encodeThriftValue(tList('i32', Array.from({ length: 15 }, () => tI32(0))))].slice(0, 2)).toEqual([0xf5, 15])
    expect([...encodeThriftValue(tI64(300))]).toEqual([0xd8, 0x04])
  })

  it('decodes standalone values and reports where they end', () => {
    const list = encodeThriftValue(tList('struct', [tStruct([{ id: 4, value: tString('x') }])]))
    const padded = new Uint8Array([9, 9, ...list, 0xff])
    const { value, end } = decodeThriftValue(padded, 'list', 2)
    expect(end).toBe(2 + list.length)
    expect(value).toEqual(tList('struct', [tStruct([{ id: 4, value: tString('x') }])]))
  })

  it('edits fields in id order with the helpers', () => {
    const s = tStruct([{ id: 1, value: tI32(1) }, { id: 5, value: tI64(5) }])
    setField(s, 3, tString('three'))
    setField(s, 5, tI64(50))
    setField(s, 9, tI32(9))
    expect(s.fields.map((f) => f.id)).toEqual([1, 3, 5, 9])
    expect(getString(s, 3)).toBe('three')
    expect(getI64(s, 5)).toBe(50n)
    expect(getInt(s, 1)).toBe(1)
    expect(deleteField(s, 3)).toBe(true)
    expect(deleteField(s, 3)).toBe(false)
    expect(getField(s, 3)).toBeUndefined()
    expect(() => getString(s, 1)).toThrow(expect.objectContaining({ code: 'RIVET_INTERNAL' }))
  })

  it('rejects truncated and corrupt input with RIVET_INTERNAL', () => {
    const bytes = encodeThriftStruct(everyType)
    for (const cut of [1, 5, 20, bytes.length - 1]) {
      expect(() => decodeThriftStruct(bytes.subarray(0, cut))).toThrow(expect.objectContaining({ code: 'RIVET_INTERNAL' }))
    }
    expect(() => decodeThriftStruct(Uint8Array.of(0x1d))).toThrow(/unknown compact type 13/)
    expect(() => decodeThriftStruct(Uint8Array.of(0x19, 0xfc, 0xff, 0xff, 0xff, 0x0f))).toThrow(/exceeds the data/)
    const deep: ThriftValue = Array.from({ length: 80 }).reduce<ThriftStruct>((inner) => tStruct([{ id: 1, value: inner }]), tStruct())
    expect(() => decodeThriftStruct(encodeThriftValue(deep))).toThrow(/nesting too deep/)
  })
})
