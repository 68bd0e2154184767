import { describe, expect, it } from 'vitest'
import { formatPgChar, formatPgInet, formatPgInterval, formatPgMacaddr, formatPgTimetz } from '../../../src/source/pg/decode/index.js'
import { be32, be64, concat } from './wire-bytes.js'

const interval = (us: bigint, days: number, months: number) => concat([be64(us), be32(days), be32(months)])

describe('formatPgInterval (PostgreSQL iso_8601 style)', () => {
  it.each<[bigint, number, number, string]>([
    [0n, 0, 0, 'PT0S'],
    [14_706_500_000n, 3, 14, 'P1Y2M3DT4H5M6.5S'],
    [0n, -1, 0, 'P-1D'],
    [-3_600_000_000n, 0, 0, 'PT-1H'],
    [-500_000n, -1, 0, 'P-1DT-0.5S'],
    [-1_500_000n, 0, -14, 'P-1Y-2MT-1.5S'],
    [1n, 0, 0, 'PT0.000001S'],
    [60_000_000n, 0, 1, 'P1MT1M'],
    [2n ** 63n - 1n, 0, 0, 'PT2562047788H54.775807S'],
    [-(2n ** 63n) + 1n, 0, 0, 'PT-2562047788H-54.775807S'],
  ])('%s µs, %i days, %i months → %s', (us, days, months, text) => {
    expect(formatPgInterval(interval(us, days, months), 0)).toBe(text)
  })
})

describe('formatPgTimetz', () => {
  it('renders time with 6 fractional digits and the zone east of UTC', () => {
    // PostgreSQL stores the zone as seconds WEST of UTC
    expect(formatPgTimetz(concat([be64(45_296_789_000n), be32(-19800)]), 0)).toBe('12:34:56.789000+05:30')
    expect(formatPgTimetz(concat([be64(0n), be32(10800)]), 0)).toBe('00:00:00.000000-03:00')
    expect(formatPgTimetz(concat([be64(86_400_000_000n), be32(-5415)]), 0)).toBe('24:00:00.000000+01:30:15')
  })
})

describe('formatPgInet', () => {
  const inet = (family: number, bits: number, cidr: boolean, addr: number[]) => new Uint8Array([family, bits, cidr ? 1 : 0, addr.length, ...addr])
  const v6 = (words: number[]) => words.flatMap((w) => [w >> 8, w & 0xff])
  it.each<[Uint8Array, string]>([
    [inet(2, 32, false, [192, 168, 1, 1]), '192.168.1.1'],
    [inet(2, 24, false, [192, 168, 1, 1]), '192.168.1.1/24'],
    [inet(2, 32, true, [1, 2, 3, 4]), '1.2.3.4/32'],
    [inet(3, 128, false, v6([0, 0, 0, 0, 0, 0, 0, 1])), '::1'],
    [inet(3, 128, false, v6([0, 0, 0, 0, 0, 0, 0, 0])), '::'],
    [inet(3, 128, false, v6([0, 0, 0, 0, 0, 0, 0, 2])), '::2'],
    [inet(3, 128, false, v6([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304])), '::ffff:1.2.3.4'],
    [inet(3, 128, false, v6([0, 0, 0, 0, 0, 0, 0x0102, 0x0304])), '::1.2.3.4'],
    [inet(3, 64, false, v6([0x2001, 0xdb8, 0, 0, 0, 0xff00, 0x42, 0x8329])), '2001:db8::ff00:42:8329/64'],
    [inet(3, 32, true, v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0])), '2001:db8::/32'],
    [inet(3, 128, false, v6([1, 0, 2, 0, 0, 3, 0, 0])), '1:0:2::3:0:0'],
  ])('%j → %s', (bytes, text) => {
    expect(formatPgInet(bytes, 0, bytes.length, 'c')).toBe(text)
  })

  it('rejects a malformed value', () => {
    expect(() => formatPgInet(new Uint8Array([9, 32, 0, 4, 1, 2, 3, 4]), 0, 8, 'addr')).toThrow(/"addr"/)
  })
})

describe('formatPgMacaddr and formatPgChar', () => {
  it('renders macaddr and macaddr8 in lowercase hex', () => {
    expect(formatPgMacaddr(new Uint8Array([8, 0, 0x2b, 1, 2, 0xab]), 0, 6, 'm')).toBe('08:00:2b:01:02:ab')
    expect(formatPgMacaddr(new Uint8Array([8, 0, 0x2b, 1, 2, 3, 4, 5]), 0, 8, 'm')).toBe('08:00:2b:01:02:03:04:05')
  })

  it('renders "char" like PostgreSQL', () => {
    expect(formatPgChar(0x61)).toBe('a')
    expect(formatPgChar(0)).toBe('')
    expect(formatPgChar(0x80)).toBe('\\200')
  })
})
