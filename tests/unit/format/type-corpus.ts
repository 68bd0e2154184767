import type { FixtureColumn } from './arrow-fixtures.js'
import { spec } from './arrow-fixtures.js'

/**
 * One column per Rivet type with edge values and NULLs, sliced into batches by the tests.
 * Every column has ROWS values.
 */
export const ROWS = 6

const u1 = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'
const u2 = 'ffffffff-ffff-ffff-ffff-ffffffffffff'
const u3 = '00000000-0000-0000-0000-000000000001'

/** Columns of every type the encoders support. */
export function typeCorpus(): FixtureColumn[] {
  return [
    { spec: spec('id', { kind: 'int', bits: 64, signed: true }, false), values: [1n, 2n, 3n, 4n, 5n, 6n] },
    { spec: spec('b', { kind: 'bool' }), values: [true, false, null, true, false, true] },
    { spec: spec('i8', { kind: 'int', bits: 8, signed: true }), values: [-128, 127, null, 0, -1, 1] },
    { spec: spec('i16', { kind: 'int', bits: 16, signed: true }), values: [-32768, 32767, null, 0, -1, 1] },
    { spec: spec('i32', { kind: 'int', bits: 32, signed: true }), values: [-2147483648, 2147483647, null, 0, -1, 1] },
    { spec: spec('i64', { kind: 'int', bits: 64, signed: true }), values: [-9223372036854775808n, 9223372036854775807n, null, 0n, -1n, 9007199254740993n] },
    { spec: spec('u8', { kind: 'int', bits: 8, signed: false }), values: [0, 255, null, 1, 128, 7] },
    { spec: spec('u16', { kind: 'int', bits: 16, signed: false }), values: [0, 65535, null, 1, 32768, 7] },
    { spec: spec('u32', { kind: 'int', bits: 32, signed: false }), values: [0, 4294967295, null, 1, 2147483648, 7] },
    { spec: spec('u64', { kind: 'int', bits: 64, signed: false }), values: [0n, 18446744073709551615n, null, 1n, 9223372036854775808n, 7n] },
    { spec: spec('f32', { kind: 'float', bits: 32 }), values: [0.1, -1.5, null, Number.NaN, Number.POSITIVE_INFINITY, 3.4028234663852886e38] },
    { spec: spec('f64', { kind: 'float', bits: 64 }), values: [0.1, -0, null, Number.NaN, Number.NEGATIVE_INFINITY, 1e300] },
    { spec: spec('d9', { kind: 'decimal', precision: 9, scale: 2 }), values: [12345n, -1n, null, 0n, 999999999n, -999999999n] },
    { spec: spec('d18', { kind: 'decimal', precision: 18, scale: 4 }), values: [-100n, 123456789012345678n, null, 0n, 1n, -999999999999999999n] },
    { spec: spec('d38', { kind: 'decimal', precision: 38, scale: 10 }), values: [10n ** 37n + 1n, -(10n ** 37n) - 5n, null, 0n, -1n, 99999999999999999999999999999999999999n] },
    { spec: spec('d76', { kind: 'decimal', precision: 76, scale: 20 }), values: [10n ** 75n + 3n, -(10n ** 70n) - 7n, null, 0n, -12345678901234567890123n, 1n] },
    { spec: spec('s', { kind: 'utf8' }), values: ['plain', '', null, 'a,b "q"\r\nx', 'héllo 🌍', ' spaced '] },
    { spec: spec('bin', { kind: 'binary' }), values: [Uint8Array.of(0, 1, 255), new Uint8Array(0), null, Uint8Array.of(0xde, 0xad), Uint8Array.of(10), Uint8Array.of(34, 44)] },
    { spec: spec('u', { kind: 'uuid' }), values: [u1, u2, null, u3, u1, u2] },
    { spec: spec('j', { kind: 'json' }), values: ['{"a":1}', '[]', null, '"s"', '{"k":[1,2,{"x":null}]}', 'null'] },
    { spec: spec('dt', { kind: 'date' }), values: [0, -1, null, 19000, -719162, 2932896] },
    { spec: spec('tm', { kind: 'time' }), values: [0n, 86399999999n, null, 1n, 45296000001n, 43200000000n] },
    { spec: spec('ts', { kind: 'timestamp', tz: 'UTC' }), values: [0n, -1n, null, 1700000000123456n, -62135596800000000n, 253402300799999999n] },
    { spec: spec('tsn', { kind: 'timestamp', tz: null }), values: [0n, 1n, null, 1700000000123456n, -1000000n, 86400000000n] },
    { spec: spec('li', { kind: 'list', item: { kind: 'int', bits: 32, signed: true } }), values: [[1, null, 3], [], null, [7], [null], [-1, -2]] },
    { spec: spec('ls', { kind: 'list', item: { kind: 'utf8' } }), values: [['a', 'b"c'], [''], null, [null, 'x,y'], [], ['\n']] },
    { spec: spec('lu', { kind: 'list', item: { kind: 'uuid' } }), values: [[u1, null], [], null, [u2], [u3, u1], [null]] },
    { spec: spec('lj', { kind: 'list', item: { kind: 'json' } }), values: [['{"a":1}', null], [], null, ['[1]'], ['2'], ['"x"']] },
  ]
}

/** Rows [start, end) of every column. */
export function sliceCorpus(columns: readonly FixtureColumn[], start: number, end: number): FixtureColumn[] {
  return columns.map((c) => ({ spec: c.spec, values: c.values.slice(start, end) }))
}
