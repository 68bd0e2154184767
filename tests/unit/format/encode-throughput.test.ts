import { describe, expect, it } from 'vitest'
import { ParquetFileAssembler, encodeCsvBatch, encodeParquetRowGroup } from '../../../src/format/index.js'
import { batchIpc, spec, type FixtureColumn } from './arrow-fixtures.js'
import { readWithHyparquet } from './parquet-readback.js'

/**
 * Throughput measurement, not a gate: run with RIVET_FORMAT_BENCH=1. Prints rows/s of the
 * single-threaded encoders for a typical table shape; asserts only correctness of counts.
 */
const ROWS_PER_BATCH = 50_000
const BATCHES = 4

function benchBatch(batch: number): FixtureColumn[] {
  const ids: bigint[] = []
  const names: string[] = []
  const amounts: bigint[] = []
  const times: bigint[] = []
  const docs: string[] = []
  const uuids: string[] = []
  for (let r = 0; r < ROWS_PER_BATCH; r++) {
    const i = batch * ROWS_PER_BATCH + r
    ids.push(BigInt(i))
    names.push(`customer ${i} ${'abcdefghij'.slice(i % 10)} street ${i % 997} city`.padEnd(40, 'x'))
    amounts.push(BigInt((i * 7919) % 100_000_000) - 50_000_000n)
    times.push(1_700_000_000_000_000n + BigInt(i) * 1_000_003n)
    docs.push(`{"id":${i},"tags":["a","b"],"score":${(i % 1000) / 10},"ok":true}`)
    uuids.push(`${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}-1234-4abc-8def-${i.toString(16).padStart(12, '0')}`)
  }
  return [
    { spec: spec('id', { kind: 'int', bits: 64, signed: true }, false), values: ids },
    { spec: spec('name', { kind: 'utf8' }), values: names },
    { spec: spec('amount', { kind: 'decimal', precision: 18, scale: 4 }), values: amounts },
    { spec: spec('created_at', { kind: 'timestamp', tz: 'UTC' }), values: times },
    { spec: spec('doc', { kind: 'json' }), values: docs },
    { spec: spec('uid', { kind: 'uuid' }), values: uuids },
  ]
}

describe.skipIf(!process.env.RIVET_FORMAT_BENCH)('encode throughput', () => {
  const fixtures = Array.from({ length: BATCHES }, (_, b) => benchBatch(b))
  const ipcs = fixtures.map((f) => batchIpc(f))
  const columns = fixtures[0].map((c) => c.spec)
  const total = ROWS_PER_BATCH * BATCHES

  it('parquet zstd', async () => {
    const started = performance.now()
    const assembler = new ParquetFileAssembler({ columns, createdBy: 'bench' })
    const parts = [assembler.start()]
    for (const ipc of ipcs) parts.push(assembler.add(encodeParquetRowGroup(ipc, { compression: 'zstd', compressionLevel: null })))
    parts.push(assembler.finish())
    const ms = performance.now() - started
    const file = new Uint8Array(Buffer.concat(parts))
    console.log(`parquet zstd: ${total} rows in ${ms.toFixed(0)} ms = ${Math.round(total / (ms / 1000))} rows/s, ${file.length} bytes, ipc ${ipcs.reduce((n, b) => n + b.length, 0)} bytes`)
    expect(assembler.rows).toBe(total)
    expect((await readWithHyparquet(file)).rows).toHaveLength(total)
  })

  it('csv zstd', async () => {
    const started = performance.now()
    const units = []
    for (const [i, ipc] of ipcs.entries()) units.push(await encodeCsvBatch(ipc, { header: i === 0, compression: 'zstd', compressionLevel: null, columns }))
    const ms = performance.now() - started
    const plainStarted = performance.now()
    let plainBytes = 0
    for (const ipc of ipcs) plainBytes += (await encodeCsvBatch(ipc, { header: false, compression: 'none', compressionLevel: null, columns })).length
    const plainMs = performance.now() - plainStarted
    const bytes = units.reduce((n, u) => n + u.length, 0)
    console.log(`csv zstd: ${total} rows in ${ms.toFixed(0)} ms = ${Math.round(total / (ms / 1000))} rows/s, ${bytes} bytes; ` +
      `uncompressed: ${plainMs.toFixed(0)} ms = ${Math.round(total / (plainMs / 1000))} rows/s, ${plainBytes} bytes`)
    expect(plainBytes).toBeGreaterThan(total * 150)
  })
})
