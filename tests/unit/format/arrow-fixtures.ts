import {
  Binary, Bool, type Data, type DataType, DateDay, Decimal, Field, FixedSizeBinary, Float32, Float64, Int, List,
  makeData, RecordBatch, Schema, Struct, Table, TimeMicrosecond, TimestampMicrosecond, Utf8, tableToIPC,
} from 'apache-arrow'
import type { ColumnSpec, RivetType } from '../../../src/types/index.js'

/**
 * Test-only Arrow batch builder following the Rivet Arrow schema convention
 * (uuid = FixedSizeBinary(16) tagged arrow.uuid, json = Utf8 tagged arrow.json, ...).
 * Values: bool → boolean; int → number|bigint; float → number; decimal → bigint unscaled;
 * utf8/json → string; binary → Uint8Array; uuid → canonical string; date → days;
 * time/timestamp → bigint microseconds; list → array (items may be null). null → NULL.
 */
export type FixtureValue = unknown

/** One column of a fixture: its spec and its values. */
export interface FixtureColumn {
  readonly spec: ColumnSpec
  readonly values: readonly FixtureValue[]
}

const EXTENSION_KEY = 'ARROW:extension:name'
const encoder = new TextEncoder()

/** A ColumnSpec for tests. */
export function spec(name: string, type: RivetType, nullable = true): ColumnSpec {
  return { name, type, nullable, sourceType: 'test', decoder: 'test', fidelity: 'exact' }
}

/** The Arrow type of a RivetType under the Rivet convention. */
export function arrowType(type: RivetType): DataType {
  switch (type.kind) {
    case 'bool': return new Bool()
    case 'int': return new Int(type.signed, type.bits)
    case 'float': return type.bits === 32 ? new Float32() : new Float64()
    case 'decimal': return new Decimal(type.scale, type.precision, type.precision > 38 ? 256 : 128)
    case 'utf8': case 'json': return new Utf8()
    case 'binary': return new Binary()
    case 'uuid': return new FixedSizeBinary(16)
    case 'date': return new DateDay()
    case 'time': return new TimeMicrosecond()
    case 'timestamp': return new TimestampMicrosecond(type.tz)
    case 'list': return new List(arrowField('item', type.item, true))
  }
}

/** An Arrow field with the extension metadata of the convention. */
export function arrowField(name: string, type: RivetType, nullable: boolean): Field {
  const metadata = new Map<string, string>()
  if (type.kind === 'uuid') metadata.set(EXTENSION_KEY, 'arrow.uuid')
  if (type.kind === 'json') metadata.set(EXTENSION_KEY, 'arrow.json')
  return new Field(name, arrowType(type), nullable, metadata)
}

/** Parses a canonical UUID string into 16 bytes. */
export function uuidBytes(uuid: string): Uint8Array {
  return Uint8Array.from(Buffer.from(uuid.replace(/-/g, ''), 'hex'))
}

function validity(values: readonly FixtureValue[]): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8) + 1)
  let nullCount = 0
  values.forEach((v, i) => {
    if (v === null || v === undefined) nullCount++
    else nullBitmap[i >> 3] |= 1 << (i & 7)
  })
  return { nullBitmap, nullCount }
}

function varBytes(values: readonly FixtureValue[], toBytes: (v: FixtureValue) => Uint8Array): { valueOffsets: Int32Array; data: Uint8Array } {
  const parts = values.map((v) => (v === null || v === undefined ? new Uint8Array(0) : toBytes(v)))
  const valueOffsets = new Int32Array(values.length + 1)
  parts.forEach((p, i) => (valueOffsets[i + 1] = valueOffsets[i] + p.length))
  const data = new Uint8Array(valueOffsets[values.length])
  parts.forEach((p, i) => data.set(p, valueOffsets[i]))
  return { valueOffsets, data }
}

function decimalWords(values: readonly FixtureValue[], bits: number): Uint32Array {
  const words = bits / 32
  const out = new Uint32Array(values.length * words)
  values.forEach((v, i) => {
    let n = BigInt.asUintN(bits, v === null || v === undefined ? 0n : (v as bigint))
    for (let w = 0; w < words; w++) {
      out[i * words + w] = Number(n & 0xffffffffn)
      n >>= 32n
    }
  })
  return out
}

function fixedData(type: RivetType, values: readonly FixtureValue[]): ArrayBufferView {
  const zeroed = values.map((v) => (v === null || v === undefined ? 0 : v))
  switch (type.kind) {
    case 'bool': {
      const bits = new Uint8Array(Math.ceil(values.length / 8) + 1)
      values.forEach((v, i) => { if (v === true) bits[i >> 3] |= 1 << (i & 7) })
      return bits
    }
    case 'int': {
      if (type.bits === 64) {
        const big = zeroed.map((v) => BigInt(v as number | bigint))
        return type.signed ? BigInt64Array.from(big) : BigUint64Array.from(big)
      }
      const Ctor = { 8: [Uint8Array, Int8Array], 16: [Uint16Array, Int16Array], 32: [Uint32Array, Int32Array] }[type.bits][type.signed ? 1 : 0]
      return Ctor.from(zeroed as number[])
    }
    case 'float': return (type.bits === 32 ? Float32Array : Float64Array).from(zeroed as number[])
    case 'decimal': return decimalWords(values, type.precision > 38 ? 256 : 128)
    case 'date': return Int32Array.from(zeroed as number[])
    case 'time': case 'timestamp': return BigInt64Array.from(zeroed.map((v) => BigInt(v as bigint)))
    case 'uuid': {
      const out = new Uint8Array(values.length * 16)
      values.forEach((v, i) => { if (typeof v === 'string') out.set(uuidBytes(v), i * 16) })
      return out
    }
    default: throw new Error(`no fixed layout for ${type.kind}`)
  }
}

/** Arrow Data for one column of values. */
export function columnData(type: RivetType, values: readonly FixtureValue[]): Data {
  const { nullBitmap, nullCount } = validity(values)
  const base = { type: arrowType(type), length: values.length, nullCount, nullBitmap }
  switch (type.kind) {
    case 'utf8': case 'json':
      return makeData({ ...base, ...varBytes(values, (v) => encoder.encode(v as string)) } as never)
    case 'binary':
      return makeData({ ...base, ...varBytes(values, (v) => v as Uint8Array) } as never)
    case 'list': {
      const items = values.flatMap((v) => (Array.isArray(v) ? v : []))
      const valueOffsets = new Int32Array(values.length + 1)
      values.forEach((v, i) => (valueOffsets[i + 1] = valueOffsets[i] + (Array.isArray(v) ? v.length : 0)))
      return makeData({ ...base, valueOffsets, child: columnData(type.item, items) } as never)
    }
    default:
      return makeData({ ...base, data: fixedData(type, values) } as never)
  }
}

/** A record batch of the given columns (all of equal length). */
export function makeBatch(columns: readonly FixtureColumn[]): RecordBatch {
  const fields = columns.map((c) => arrowField(c.spec.name, c.spec.type, c.spec.nullable))
  const length = columns[0]?.values.length ?? 0
  const children = columns.map((c) => columnData(c.spec.type, c.values))
  const data = makeData({ type: new Struct(fields), length, nullCount: 0, children })
  return new RecordBatch(new Schema(fields), data)
}

/** Arrow IPC stream bytes of one batch, as the extraction worker ships them. */
export function batchIpc(columns: readonly FixtureColumn[]): Uint8Array {
  return tableToIPC(new Table([makeBatch(columns)]), 'stream')
}

/** Arrow IPC stream bytes with a schema and no batch at all. */
export function schemaOnlyIpc(columns: readonly FixtureColumn[]): Uint8Array {
  const fields = columns.map((c) => arrowField(c.spec.name, c.spec.type, c.spec.nullable))
  return tableToIPC(new Table(new Schema(fields)), 'stream')
}
