import { tableFromIPC, type Vector } from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { BatchBuilder } from '../../../src/arrow/index.js'
import type { ColumnOverride } from '../../../src/config/index.js'
import { PgRowDecoder } from '../../../src/source/pg/decode/index.js'
import { mapPgColumns, type PgRawColumn } from '../../../src/source/pg/types/index.js'
import { decimalAt } from '../arrow/helpers.js'
import { caught } from '../../helpers/errors.js'
import { be32, be64, concat, numeric, text, tuple } from './wire-bytes.js'

/**
 * Every override kind on PostgreSQL, each with a value that fits (exported exactly) and values
 * that do not (refused, naming the row by its key, never rounded or cut). The wire values are
 * what the SELECT sends: the column as it is for the conversions Rivet runs (`via:`).
 */

const nt = (p: number, s: number) => ((p << 16) | (s & 0x7ff)) + 4
const raw = (name: string, typeOid: number, typname: string, extra: Partial<PgRawColumn> = {}): PgRawColumn => ({
  name, typeOid, typmod: -1, typname, typtype: 'b', typcategory: 'X', notNull: false, formattedType: typname, ...extra,
})

const f8 = (v: number) => {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setFloat64(0, v)
  return b
}
const f4 = (v: number) => {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setFloat32(0, v)
  return b
}
const bool = (v: boolean) => new Uint8Array([v ? 1 : 0])
/** µs since 2000-01-01 of a UTC civil time. */
const pgUs = (iso: string) => (BigInt(Date.parse(iso)) - 946_684_800_000n) * 1000n
const unixUs = (iso: string) => BigInt(Date.parse(iso)) * 1000n
const days = (iso: string) => Date.parse(iso) / 86_400_000

const SOURCES: Record<string, PgRawColumn> = {
  numeric: raw('v', 1700, 'numeric', { typmod: nt(12, 3), formattedType: 'numeric(12,3)' }),
  text: raw('v', 25, 'text'),
  float8: raw('v', 701, 'float8'),
  float4: raw('v', 700, 'float4'),
  int8: raw('v', 20, 'int8'),
  int4: raw('v', 23, 'int4'),
  bool: raw('v', 16, 'bool'),
  timestamp: raw('v', 1114, 'timestamp'),
  timestamptz: raw('v', 1184, 'timestamptz'),
}

type Case = {
  source: keyof typeof SOURCES
  override: ColumnOverride
  decoder: string
  fits: [Uint8Array, unknown][]
  misfits: [Uint8Array, string][]
  code?: string
}

const dec = (precision: number, scale: number): ColumnOverride => ({ kind: 'decimal', precision, scale })

const MATRIX: Case[] = [
  { source: 'numeric', override: dec(5, 2), decoder: 'numeric', fits: [[numeric('123.45'), 12345n], [numeric('-0.1'), -10n]], misfits: [[numeric('123456.789'), 'too many integer digits'], [numeric('1.234'), 'more than 2 fractional digits']] },
  { source: 'text', override: dec(5, 2), decoder: 'via:text', fits: [[text(' 12.5 '), 1250n], [text('1e2'), 10000n]], misfits: [[text('12.345'), 'more than 2 fractional digits'], [text('twelve'), 'is not a valid decimal(5,2)']] },
  { source: 'float8', override: dec(5, 2), decoder: 'via:float8', fits: [[f8(0.1), 10n], [f8(-123.25), -12325n]], misfits: [[f8(0.1 + 0.2), 'more than 2 fractional digits'], [f8(1e5), 'too many integer digits']] },
  { source: 'float4', override: dec(5, 2), decoder: 'via:float4', fits: [[f4(0.1), 10n]], misfits: [[f4(3.1415927), 'more than 2 fractional digits']] },
  { source: 'text', override: { kind: 'int64' }, decoder: 'via:text', fits: [[text('-9223372036854775808'), -(2n ** 63n)], [text(' 42 '), 42n]], misfits: [[text('9223372036854775808'), 'outside the range of int64'], [text('12.5'), 'has a fraction'], [text('abc'), 'is not an integer']] },
  { source: 'numeric', override: { kind: 'int64' }, decoder: 'via:numeric', fits: [[numeric('12.000'), 12n]], misfits: [[numeric('12.5'), 'has a fraction'], [numeric('123456789.123'), 'has a fraction']] },
  { source: 'float8', override: { kind: 'int64' }, decoder: 'via:float8', fits: [[f8(2 ** 53), 2n ** 53n], [f8(-7), -7n]], misfits: [[f8(2.5), 'has a fraction'], [f8(1e19), 'outside the range of int64'], [f8(Infinity), 'not a finite number']] },
  { source: 'bool', override: { kind: 'int64' }, decoder: 'via:bool', fits: [[bool(true), 1n], [bool(false), 0n]], misfits: [] },
  { source: 'text', override: { kind: 'float64' }, decoder: 'via:text', fits: [[text('0.1'), 0.1], [text('-1.5e-7'), -1.5e-7]], misfits: [[text('0.1234567890123456789'), 'it would be rounded to 0.12345678901234568'], [text('1e400'), 'outside the range of float64'], [text('1,5'), 'is not a number']] },
  { source: 'numeric', override: { kind: 'float64' }, decoder: 'via:numeric', fits: [[numeric('1234.567'), 1234.567]], misfits: [[numeric('0.1234567890123456789'), 'it would be rounded to 0.12345678901234568']] },
  { source: 'int8', override: { kind: 'float64' }, decoder: 'via:int8', fits: [[be64(2n ** 53n), 2 ** 53]], misfits: [[be64(2n ** 53n + 1n), 'would round it to 9007199254740992']] },
  { source: 'text', override: { kind: 'uuid' }, decoder: 'via:text', fits: [[text('{A0EEBC99-9C0B4EF8-BB6D-6BB9BD380A11}'), 'a0eebc999c0b4ef8bb6d6bb9bd380a11']], misfits: [[text('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1'), 'is not a UUID'], [text('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1x'), 'is not a UUID']] },
  { source: 'text', override: { kind: 'json' }, decoder: 'via:text', fits: [[text('{"a": [1, 2.50]}'), '{"a": [1, 2.50]}']], misfits: [[text('{"a": }'), 'is not valid JSON']] },
  { source: 'text', override: { kind: 'timestamp' }, decoder: 'via:text', fits: [[text('2024-05-06 07:08:09.123456'), unixUs('2024-05-06T07:08:09.123Z') + 456n], [text('2024-05-06'), unixUs('2024-05-06T00:00:00Z')]], misfits: [[text('2024-05-06 07:08:09+02'), 'carries a UTC offset'], [text('2024-02-30'), 'is not a calendar date'], [text('2024-05-06 07:08:09.1234567'), 'more than 6 fractional digits'], [text('May 6, 2024'), 'ISO 8601']] },
  { source: 'text', override: { kind: 'timestamp_tz' }, decoder: 'via:text', fits: [[text('2024-05-06T07:08:09+02:00'), unixUs('2024-05-06T05:08:09Z')], [text('2024-05-06 07:08:09'), unixUs('2024-05-06T07:08:09Z')]], misfits: [[text('yesterday'), 'ISO 8601']] },
  { source: 'text', override: { kind: 'date' }, decoder: 'via:text', fits: [[text('2024-05-06'), days('2024-05-06')], [text('1900-03-01 00:00:00'), days('1900-03-01')]], misfits: [[text('2024-05-06 10:00'), 'has a time of day']] },
  { source: 'timestamp', override: { kind: 'date' }, decoder: 'via:timestamp', fits: [[be64(pgUs('1969-12-31T00:00:00Z')), days('1969-12-31')]], misfits: [[be64(pgUs('2024-05-06T10:00:00Z')), 'has a time of day'], [be64(2n ** 63n - 1n), 'infinity']] },
  { source: 'timestamptz', override: { kind: 'date' }, decoder: 'via:timestamptz', fits: [[be64(pgUs('2024-05-06T00:00:00Z')), days('2024-05-06')]], misfits: [[be64(pgUs('2024-05-06T00:00:00Z') + 1n), 'has a time of day']] },
  { source: 'text', override: { kind: 'bool' }, decoder: 'via:text', fits: [[text(' YES '), true], [text('f'), false], [text('of'), false]], misfits: [[text('maybe'), 'is not a boolean'], [text('o'), 'is not a boolean']] },
  { source: 'int4', override: { kind: 'bool' }, decoder: 'via:int4', fits: [[be32(1), true], [be32(0), false]], misfits: [[be32(2), 'is neither 0 nor 1']] },
  { source: 'text', override: { kind: 'binary' }, decoder: 'text', fits: [[text('a\\x41ü'), '615c783431c3bc']], misfits: [] },
  { source: 'numeric', override: dec(10, 2), decoder: 'numeric', fits: [], misfits: [[numeric('NaN'), 'holds NaN']], code: 'RIVET_DATA_NON_FINITE' },
  { source: 'text', override: dec(10, 2), decoder: 'via:text', fits: [], misfits: [[text('Infinity'), 'holds Infinity']], code: 'RIVET_DATA_NON_FINITE' },
]

/** id (the primary key), the overridden column v, and a column whose value must never show up in an error. */
function decoderFor(c: Case) {
  const cols = [raw('id', 23, 'int4'), { ...SOURCES[c.source]! }, raw('secret', 25, 'text')]
  const specs = mapPgColumns(cols, { v: c.override })
  const batch = new BatchBuilder(specs)
  return { specs, batch, decoder: new PgRowDecoder(specs, batch, undefined, { columns: [0], from: 'primary_key' }) }
}

function readBack(batch: BatchBuilder): unknown[] {
  const v = tableFromIPC(batch.toIPC(batch.finishBatch())).getChild('v') as Vector
  return Array.from({ length: v.length }, (_, i) => {
    const type = String(v.type)
    if (type.startsWith('Decimal')) return decimalAt(v.data[0], i)
    const x = v.get(i)
    if (x instanceof Uint8Array) return Buffer.from(x).toString('hex')
    if (type.startsWith('Timestamp') || type.startsWith('Date')) return (v.data[0].values as ArrayLike<unknown>)[i]
    return x
  })
}

describe('PostgreSQL overrides: a value that fits is exact, one that does not is refused naming its row', () => {
  it.each(MATRIX.map((c) => [`${c.source} -> ${c.override.kind === 'decimal' ? `decimal(${c.override.precision},${c.override.scale})` : c.override.kind}`, c] as const))('%s', (_, c) => {
    const { specs, batch, decoder } = decoderFor(c)
    expect(specs[1]!.decoder).toBe(c.decoder)
    for (const [wire] of c.fits) decoder.decodeRow(tuple([be32(1), wire, text('SECRET-1')]), 0)
    if (c.fits.length > 0) expect(readBack(batch)).toEqual(c.fits.map(([, v]) => v))
    for (const [wire, why] of c.misfits) {
      const err = caught(() => decoderFor(c).decoder.decodeRow(tuple([be32(42), wire, text('SECRET-2')]), 0))
      expect(err.code, err.message).toBe(c.code ?? 'RIVET_DATA_VALUE_OUT_OF_RANGE')
      expect(err.message).toContain('row with primary key id=42: column "v"')
      expect(err.message).toContain(`(override ${specs[1]!.override})`)
      expect(err.message).toContain(why)
      expect(err.message).not.toContain('SECRET')
      expect(err.details).toMatchObject({ column: 'v', override: specs[1]!.override, row: { primary_key: { id: '42' } } })
    }
  })

  it('names the row by every key column, NULL included, and quotes key values that are not plain tokens', () => {
    const cols = [raw('a', 25, 'text'), raw('b', 20, 'int8'), raw('v', 25, 'text')]
    const specs = mapPgColumns(cols, { v: { kind: 'int64' } })
    const decoder = new PgRowDecoder(specs, new BatchBuilder(specs), undefined, { columns: [0, 1], from: 'unique_key' })
    const err = caught(() => decoder.decodeRow(tuple([text('x y'), null, text('nope')]), 0))
    expect(err.message).toMatch(/^row with unique_key a="x y", b=NULL: column "v" \(override int64\): value "nope" is not an integer$/)
  })

  it('names the row by its position in the read when the plan has no key, counting every row decoded', () => {
    const specs = mapPgColumns([raw('v', 25, 'text')], { v: { kind: 'uuid' } })
    const decoder = new PgRowDecoder(specs, new BatchBuilder(specs))
    decoder.decodeRow(tuple([text('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')]), 0)
    decoder.decodeRow(tuple([null]), 0)
    const err = caught(() => decoder.decodeRow(tuple([text('x'.repeat(100))]), 0))
    expect(err.message).toMatch(/^row 3 of the read \(the export has no unique_key, primary key or chunk column to name it by\): column "v" \(override uuid\)/)
    // the value is cut to 60 characters
    expect(err.message).toContain(`"${'x'.repeat(60)}…"`)
    expect(err.message).not.toContain('x'.repeat(61))
    expect(err.details.row).toEqual({ position: 3 })
  })

  it('formats key values of common types as PostgreSQL prints them', () => {
    const cols = [raw('u', 2950, 'uuid'), raw('d', 1082, 'date'), raw('t', 1184, 'timestamptz'), raw('n', 1700, 'numeric', { typmod: nt(10, 2) }), raw('v', 25, 'text')]
    const specs = mapPgColumns(cols, { v: { kind: 'bool' } })
    const decoder = new PgRowDecoder(specs, new BatchBuilder(specs), undefined, { columns: [0, 1, 2, 3], from: 'unique_key' })
    const uuid = Buffer.from('a0eebc999c0b4ef8bb6d6bb9bd380a11', 'hex')
    const row = tuple([uuid, be32(-1), be64(pgUs('2024-05-06T07:08:09.5Z')), numeric('-12.50'), text('maybe')])
    const err = caught(() => decoder.decodeRow(row, 0))
    expect(err.message).toContain('u=a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11, d=1999-12-31, t="2024-05-06 07:08:09.500000+00", n=-12.50')
  })

  it('keeps converting after rows of other columns and leaves bytes of other fields alone', () => {
    const c = MATRIX.find((m) => m.decoder === 'via:text' && m.override.kind === 'int64')!
    const { batch, decoder } = decoderFor(c)
    const rows = concat([tuple([be32(1), text('5'), text('s')]), tuple([be32(2), null, text('t')])])
    let at = decoder.decodeRow(rows, 0)
    at = decoder.decodeRow(rows, at)
    expect(at).toBe(rows.length)
    expect(readBack(batch)).toEqual([5n, null])
  })
})
