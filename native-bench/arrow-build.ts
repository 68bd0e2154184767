/**
 * Building Arrow columns from JS values (what a row decoder yields): makeBuilder().append per
 * value vs vectorFromArray vs hand-filled typed arrays + makeData, for int64, utf8 and
 * decimal(18,4) (decimal source: numeric text such as "265443.5761", parsed by every approach).
 *
 *   node dist/native-bench/arrow-build.js [--runs 5]
 */
import { Decimal, Int64, makeBuilder, makeData, Utf8, vectorFromArray } from 'apache-arrow'
import { emit, runsFromArgs, timeMedian, type BenchResult } from './lib/harness.js'
import { mixedColumns, utf8Data } from './lib/mixed-data.js'

const N = 500_000
const runs = runsFromArgs()
const cols = mixedColumns(N)
const ints: bigint[] = Array.from(cols.id)
const strings = cols.name
const decimals: string[] = cols.amountScaled.map((a) => `${(a ?? 0n) / 10000n}.${String((a ?? 0n) % 10000n).padStart(4, '0')}`)
const DEC = () => new Decimal(4, 18, 128)

/** "123.4567" → scale-4 integer as 4 little-endian uint32 words; Number fast path below 2^53. */
function writeDecimal(words: Uint32Array, at: number, s: string): void {
  const dot = s.indexOf('.')
  const digits = dot < 0 ? `${s}0000` : s.slice(0, dot) + s.slice(dot + 1).padEnd(4, '0').slice(0, 4)
  const n = Number(digits)
  if (Number.isSafeInteger(n)) {
    const lo = n >>> 0
    const hi = Math.floor(n / 4294967296)
    const ext = n < 0 ? 0xffffffff : 0
    words[at] = lo
    words[at + 1] = hi >>> 0
    words[at + 2] = ext
    words[at + 3] = ext
    return
  }
  const u = BigInt.asUintN(128, BigInt(digits))
  for (let k = 0; k < 4; k++) words[at + k] = Number((u >> BigInt(32 * k)) & 0xffffffffn)
}

function decimalWords(s: string): Uint32Array {
  const w = new Uint32Array(4)
  writeDecimal(w, 0, s)
  return w
}

async function rate(type: string, approach: string, fn: () => unknown): Promise<BenchResult> {
  const s = await timeMedian(runs, fn)
  return { bench: 'arrow-build', case: `${type}: ${approach}`, value: N / s / 1e6, unit: 'M values/s', runs, note: `${N.toLocaleString('en-US')} values` }
}

function viaBuilder<T>(type: Int64 | Utf8 | Decimal, values: readonly T[], map: (v: T) => unknown = (v) => v): unknown {
  const b = makeBuilder({ type, nullValues: [null, undefined] })
  for (const v of values) b.append(map(v) as never)
  return b.finish().flush()
}

emit([
  await rate('int64', 'makeBuilder().append per value', () => viaBuilder(new Int64(), ints)),
  await rate('int64', 'vectorFromArray', () => vectorFromArray(ints, new Int64())),
  await rate('int64', 'BigInt64Array + makeData', () => {
    const a = new BigInt64Array(N)
    for (let i = 0; i < N; i++) a[i] = ints[i]!
    return makeData({ type: new Int64(), length: N, data: a })
  }),
  await rate('utf8 (~40 chars)', 'makeBuilder().append per value', () => viaBuilder(new Utf8(), strings)),
  await rate('utf8 (~40 chars)', 'vectorFromArray', () => vectorFromArray(strings, new Utf8())),
  await rate('utf8 (~40 chars)', 'TextEncoder.encodeInto + offsets + makeData', () => utf8Data(strings)),
  await rate('decimal(18,4)', 'makeBuilder().append per value', () => viaBuilder(DEC(), decimals, decimalWords)),
  await rate('decimal(18,4)', 'vectorFromArray of Uint32Array(4)', () => vectorFromArray(decimals.map(decimalWords), DEC())),
  await rate('decimal(18,4)', 'Uint32Array words + makeData', () => {
    const words = new Uint32Array(N * 4)
    for (let i = 0; i < N; i++) writeDecimal(words, i * 4, decimals[i]!)
    return makeData({ type: DEC(), length: N, data: words })
  }),
])
