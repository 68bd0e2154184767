/**
 * Cost of the `quality:` profiling: BatchProfiler.observe (in the extraction worker) and
 * UniqueTracker.add (in the coordinator) over 1M rows in 10 batches of 100k, for an integer
 * key, a text key and a composite (int, text) key, next to the cost of serialising the same
 * batches to Arrow IPC (what the worker does to every batch anyway).
 *
 *   npx tsc -p tsconfig.json && node dist/bench/quality-profiler.js [--rows 1000000] [--runs 5]
 */
import { parseArgs } from 'node:util'
import xxhash from 'xxhash-addon'
import { BatchBuilder, recordBatchToIPC } from '../src/arrow/index.js'
import type { RecordBatch } from '../src/arrow/lib.js'
import { BatchProfiler, profileSpecFor, UniqueTracker } from '../src/quality/index.js'
import type { ResolvedQuality } from '../src/quality/index.js'
import type { ColumnSpec, RivetType } from '../src/types/index.js'

const BATCH_ROWS = 100_000

const col = (name: string, type: RivetType): ColumnSpec => ({ name, type, nullable: true, sourceType: 'bench', decoder: 'bench', fidelity: 'exact' })
const COLUMNS: readonly ColumnSpec[] = [
  col('id', { kind: 'int', bits: 64, signed: true }),
  col('email', { kind: 'utf8' }),
  col('tenant_id', { kind: 'int', bits: 32, signed: true }),
  col('order_no', { kind: 'utf8' }),
  col('payload', { kind: 'json' }),
]

function buildBatches(rows: number): RecordBatch[] {
  const batches: RecordBatch[] = []
  const b = new BatchBuilder(COLUMNS)
  const [id, email, tenant, order, payload] = b.builders as any[]
  for (let i = 0; i < rows; i++) {
    id.appendSafeInt64(i + 1)
    if (i % 50 === 0) email.appendNull()
    else email.appendString(`user-${i}@example.com`)
    tenant.appendInt32(i % 1000)
    order.appendString(`ORD-${Math.floor(i / 1000)}-${i % 1000}`)
    payload.appendString(`{"n":${i},"tags":["a","b"]}`)
    b.endRow()
    if (b.rows === BATCH_ROWS) batches.push(b.finishBatch())
  }
  if (b.rows > 0) batches.push(b.finishBatch())
  return batches
}

const quality = (uniqueColumns: string[][]): ResolvedQuality => ({ rowCountMin: null, rowCountMax: null, nullRatioMax: {}, uniqueColumns, uniqueMaxEntries: null })

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

function time(fn: () => void): number {
  const t = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - t) / 1e6
}

function main(): void {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '5' } } })
  const rows = Number(values.rows)
  const runs = Number(values.runs)
  const batches = buildBatches(rows)
  const ipcMs = median(Array.from({ length: runs }, () => time(() => batches.forEach((b) => recordBatchToIPC(b)))))
  console.log(`${rows.toLocaleString('en-US')} rows in ${batches.length} batches; Arrow IPC serialisation of the batches: ${ipcMs.toFixed(0)} ms`)
  // the alternative to hashing in JavaScript: one xxhash-addon call per row
  const nativeMs = median(Array.from({ length: runs }, () => time(() => {
    for (const b of batches) {
      const data = b.data.children[1]
      const offsets = data.valueOffsets as Int32Array
      const values = Buffer.from(data.values.buffer, data.values.byteOffset, data.values.byteLength)
      for (let row = 0; row < b.numRows; row++) xxhash.XXHash3.hash(values.subarray(offsets[row], offsets[row + 1]))
    }
  })))
  console.log(`reference: xxhash-addon XXHash3.hash() once per row of the email column: ${nativeMs.toFixed(0)} ms (${((nativeMs * 1e6) / rows).toFixed(0)} ns/row)`)
  const cases: [string, string[][]][] = [
    ['no unique key (NULL counts, widths)', []],
    ['int64 key (id)', [['id']]],
    ['text key (email, 2% NULL)', [['email']]],
    ['composite key (tenant_id, order_no)', [['tenant_id', 'order_no']]],
  ]
  for (const [label, unique] of cases) {
    const spec = profileSpecFor(COLUMNS, quality(unique))
    let keys: BigUint64Array[][] = []
    const observeMs = median(Array.from({ length: runs }, () => time(() => {
      const profiler = new BatchProfiler(spec, COLUMNS)
      keys = batches.map((b) => profiler.observe(b))
    })))
    let tracker: UniqueTracker | null = null
    const trackMs = unique.length === 0 ? 0 : median(Array.from({ length: runs }, () => time(() => {
      tracker = new UniqueTracker(null)
      for (const k of keys) tracker.add(k[0])
    })))
    const t = tracker as UniqueTracker | null
    const memory = t === null ? '' : `; tracker ${(t.bytes / 2 ** 20).toFixed(0)} MiB for ${t.distinct.toLocaleString('en-US')} keys (${(t.bytes / t.distinct).toFixed(1)} B/key), ${t.duplicates} duplicates`
    const perRow = (ms: number) => ((ms * 1e6) / rows).toFixed(0)
    console.log(`${label}: observe ${observeMs.toFixed(0)} ms (${perRow(observeMs)} ns/row)${unique.length === 0 ? '' : `, tracker.add ${trackMs.toFixed(0)} ms (${perRow(trackMs)} ns/row)`}${memory}`)
  }
}

main()
