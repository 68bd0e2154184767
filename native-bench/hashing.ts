/**
 * Content hashing: xxhash-addon XXHash3 streaming (update per 64 KiB) vs one-shot, and
 * node:crypto md5 / sha1 for reference, on 64 MiB of CSV-like bytes. Also the per-call cost
 * on 1 KiB pieces, which is what hashing many small values would pay.
 *
 *   node dist/native-bench/hashing.js [--runs 5]
 */
import { createHash } from 'node:crypto'
import xxhash from 'xxhash-addon'
import { emit, runsFromArgs, timeMedian, type BenchResult } from './lib/harness.js'
import { mixedColumns, mixedCsv } from './lib/mixed-data.js'

const runs = runsFromArgs()
const seed = Buffer.alloc(8) // XXHash3 without a seed/secret argument segfaults in xxhash-addon 2.1.0
const base = mixedCsv(mixedColumns(100_000))
const data = Buffer.alloc(64 * 1024 * 1024)
for (let o = 0; o < data.length; o += base.length) base.copy(data, o, 0, Math.min(base.length, data.length - o))
const MB = data.length / 1e6

function pieces(size: number): Buffer[] {
  const out: Buffer[] = []
  for (let o = 0; o < data.length; o += size) out.push(data.subarray(o, Math.min(data.length, o + size)))
  return out
}
const chunks64k = pieces(64 * 1024)
const chunks1k = pieces(1024)

async function rate(name: string, fn: () => void): Promise<BenchResult> {
  const s = await timeMedian(runs, fn)
  return { bench: 'hashing', case: name, value: MB / s, unit: 'MB/s', runs, note: '64 MiB input' }
}

emit([
  await rate('XXHash3 streaming, update per 64 KiB', () => {
    const h = new xxhash.XXHash3(seed)
    for (const c of chunks64k) h.update(c)
    h.digest()
  }),
  await rate('XXHash3 one-shot, whole 64 MiB', () => xxhash.XXHash3.hash(data)),
  await rate('XXHash3 one-shot per 1 KiB piece', () => {
    for (const c of chunks1k) xxhash.XXHash3.hash(c)
  }),
  await rate('node:crypto md5 streaming, 64 KiB', () => {
    const h = createHash('md5')
    for (const c of chunks64k) h.update(c)
    h.digest()
  }),
  await rate('node:crypto sha1 streaming, 64 KiB', () => {
    const h = createHash('sha1')
    for (const c of chunks64k) h.update(c)
    h.digest()
  }),
])
