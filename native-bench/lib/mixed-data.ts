import { Decimal, Field, FixedSizeBinary, Int64, makeData, RecordBatch, Schema, Struct, Table, TimestampMicrosecond, Utf8, type Data } from 'apache-arrow'

/** Column values of the 6-column mixed shape, as a decoder would hold them. */
export interface MixedColumns {
  rows: number
  id: BigInt64Array
  name: string[]
  /** Scaled by 10^4 (numeric(18,4)); null every 101st row. */
  amountScaled: (bigint | null)[]
  createdAtMicros: BigInt64Array
  payload: string[]
  uid: Uint8Array
}

function hex32(i: number): string {
  // Cheap deterministic stand-in for md5(i): two rounds of an integer hash.
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) >>> 0
  let s = ''
  for (let k = 0; k < 4; k++) {
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0
    s += h.toString(16).padStart(8, '0')
  }
  return s
}

/** Deterministic rows shaped like bench_mixed (see bench/fixtures/bench-mixed.ts). */
export function mixedColumns(rows: number): MixedColumns {
  const id = new BigInt64Array(rows)
  const createdAtMicros = new BigInt64Array(rows)
  const uid = new Uint8Array(rows * 16)
  const name: string[] = new Array(rows)
  const payload: string[] = new Array(rows)
  const amountScaled: (bigint | null)[] = new Array(rows)
  const epoch2020 = 1577836800000000n
  for (let i = 0; i < rows; i++) {
    const g = i + 1
    id[i] = BigInt(g)
    const h = hex32(g)
    name[i] = `customer ${String(g).padStart(9, '0')} ${h.slice(0, 21)}`
    amountScaled[i] = g % 101 === 0 ? null : (BigInt(g) * 2654435761n) % 10000000000n
    createdAtMicros[i] = epoch2020 + BigInt(g) * 1234567n
    payload[i] = `{"ok": ${g % 3 === 0}, "qty": ${g % 50}, "sku": "SKU-${String(g % 100000).padStart(6, '0')}", "zone": ${g % 7}}`
    for (let k = 0; k < 16; k++) uid[i * 16 + k] = parseInt(h.slice(2 * k, 2 * k + 2), 16)
  }
  return { rows, id, name, amountScaled, createdAtMicros, payload, uid }
}

/** Utf8 Data from strings, built with one TextEncoder pass into a growing buffer. */
export function utf8Data(values: readonly string[]): Data<Utf8> {
  const enc = new TextEncoder()
  const offsets = new Int32Array(values.length + 1)
  let bytes = new Uint8Array(values.length * 48)
  let pos = 0
  for (let i = 0; i < values.length; i++) {
    const s = values[i]!
    if (bytes.length - pos < s.length * 3) {
      const grown = new Uint8Array(Math.max(bytes.length * 2, pos + s.length * 3))
      grown.set(bytes.subarray(0, pos))
      bytes = grown
    }
    pos += enc.encodeInto(s, bytes.subarray(pos)).written
    offsets[i + 1] = pos
  }
  return makeData({ type: new Utf8(), length: values.length, valueOffsets: offsets, data: bytes.subarray(0, pos) })
}

/** decimal128 Data (4 little-endian uint32 words per value) from scaled bigints, nulls in a bitmap. */
export function decimalData(scaled: readonly (bigint | null)[], scale: number, precision: number): Data<Decimal> {
  const words = new Uint32Array(scaled.length * 4)
  const validity = new Uint8Array(Math.ceil(scaled.length / 8))
  let nulls = 0
  for (let i = 0; i < scaled.length; i++) {
    const v = scaled[i]
    if (v === null || v === undefined) {
      nulls++
      continue
    }
    validity[i >> 3]! |= 1 << (i & 7)
    const u = BigInt.asUintN(128, v)
    for (let k = 0; k < 4; k++) words[i * 4 + k] = Number((u >> BigInt(32 * k)) & 0xffffffffn)
  }
  return makeData({ type: new Decimal(scale, precision, 128), length: scaled.length, nullCount: nulls, nullBitmap: validity, data: words })
}

/** The mixed rows as an Arrow table of record batches of `batchRows`. */
export function mixedTable(cols: MixedColumns, batchRows = 65536): Table {
  const fields = [
    new Field('id', new Int64(), false),
    new Field('name', new Utf8(), true),
    new Field('amount', new Decimal(4, 18, 128), true),
    new Field('created_at', new TimestampMicrosecond('UTC'), true),
    new Field('payload', new Utf8(), true),
    new Field('uid', new FixedSizeBinary(16), true),
  ]
  const schema = new Schema(fields)
  const batches: RecordBatch[] = []
  for (let lo = 0; lo < cols.rows; lo += batchRows) {
    const hi = Math.min(cols.rows, lo + batchRows)
    const n = hi - lo
    const children = [
      makeData({ type: new Int64(), length: n, data: cols.id.subarray(lo, hi) }),
      utf8Data(cols.name.slice(lo, hi)),
      decimalData(cols.amountScaled.slice(lo, hi), 4, 18),
      makeData({ type: new TimestampMicrosecond('UTC'), length: n, data: cols.createdAtMicros.subarray(lo, hi) }),
      utf8Data(cols.payload.slice(lo, hi)),
      makeData({ type: new FixedSizeBinary(16), length: n, data: cols.uid.subarray(lo * 16, hi * 16) }),
    ]
    batches.push(new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children })))
  }
  return new Table(schema, batches)
}

/** The mixed rows as CSV text bytes (what CSV compression sees). */
export function mixedCsv(cols: MixedColumns): Buffer {
  const lines: string[] = new Array(cols.rows)
  for (let i = 0; i < cols.rows; i++) {
    const a = cols.amountScaled[i]
    const amount = a === null || a === undefined ? '' : `${a / 10000n}.${String(a % 10000n).padStart(4, '0')}`
    const ts = new Date(Number(cols.createdAtMicros[i]! / 1000n)).toISOString()
    const u = Buffer.from(cols.uid.subarray(i * 16, i * 16 + 16)).toString('hex')
    lines[i] = `${cols.id[i]},${cols.name[i]},${amount},${ts},"${cols.payload[i]!.replaceAll('"', '""')}",${u}`
  }
  return Buffer.from(`${lines.join('\n')}\n`)
}
