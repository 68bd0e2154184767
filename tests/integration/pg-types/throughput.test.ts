import type { RecordBatch } from 'apache-arrow'
import type pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describePgTable } from '../../../src/source/pg/introspect/index.js'
import { mapPgColumns, pgSelectExpression } from '../../../src/source/pg/types/index.js'
import { PG_URL, pgAvailable } from '../../helpers/db.js'
import { importNativeDecoder, removeNativeDecoder } from './native-build.js'
import { connect } from './pg-client.js'

const ROWS = 1_000_000
const hasPg = await pgAvailable()

/** Throughput report only: no timing assertions (shared machines vary). */
describe.skipIf(!hasPg)('binary COPY decode throughput', () => {
  let client: pg.Client

  beforeAll(async () => {
    client = await connect(PG_URL)
    await client.query(`
      DROP TABLE IF EXISTS pgtypes_perf;
      CREATE UNLOGGED TABLE pgtypes_perf (id bigint, name text, amount numeric(18,4), at timestamptz, doc jsonb, u uuid);
      INSERT INTO pgtypes_perf
      SELECT g, 'customer ' || md5(g::text),
             round((random() * 1e9)::numeric, 4),
             timestamptz '2020-01-01' + g * interval '1 second',
             jsonb_build_object('k', g, 'tag', 'abcdefgh', 'ok', g % 2 = 0, 'v', g * 1.5),
             md5(g::text)::uuid
      FROM generate_series(1, ${ROWS}) g;`)
  })

  afterAll(async () => {
    if (client === undefined) return
    await client.query('DROP TABLE IF EXISTS pgtypes_perf')
    await client.end()
    removeNativeDecoder()
  })

  it('reports rows/s for 1M rows of (bigint, text, numeric(18,4), timestamptz, jsonb, uuid)', async () => {
    const columns = mapPgColumns((await describePgTable(client, { schema: null, name: 'pgtypes_perf' })).columns, {})
    const sql = `COPY (SELECT ${columns.map(pgSelectExpression).join(', ')} FROM pgtypes_perf) TO STDOUT (FORMAT binary)`

    // the COPY alone, chunks kept in memory: on a small machine the server competes with the
    // decoder for CPU, so decoding is timed separately, from memory
    let t0 = performance.now()
    const chunks: Uint8Array[] = []
    for await (const chunk of client.query(copyTo(sql))) chunks.push(chunk as Uint8Array)
    const copyMs = performance.now() - t0
    const bytes = chunks.reduce((n, c) => n + c.length, 0)

    const { arrow, decode } = importNativeDecoder()
    const passes: { decodeMs: number; ipcMs: number; batches: number; rows: number }[] = []
    for (let pass = 0; pass < 2; pass++) {
      const batch = new arrow.BatchBuilder(columns, { maxBytes: 64 * 1024 * 1024 })
      let ipcMs = 0
      let batches = 0
      const onBatch = (b: RecordBatch) => {
        const s = performance.now()
        batch.toIPC(b)
        ipcMs += performance.now() - s
        batches++
      }
      const stream = new decode.CopyBinaryStream(new decode.PgRowDecoder(columns, batch), { onBatch })
      t0 = performance.now()
      for (const chunk of chunks) stream.push(chunk)
      stream.end()
      passes.push({ decodeMs: performance.now() - t0 - ipcMs, ipcMs, batches, rows: stream.rows })
    }
    const rate = (ms: number) => `${Math.round(ROWS / (ms / 1000)).toLocaleString('en-US')} rows/s`
    console.log(
      [
        `decode throughput: ${ROWS.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(0)} MB of COPY data in ${chunks.length} chunks, ${passes[0].batches} batches`,
        `  COPY (server + socket + pg-copy-streams): ${copyMs.toFixed(0)} ms  ${rate(copyMs)}`,
        ...passes.map((p, i) => `  decode pass ${i + 1}${i === 0 ? ' (cold JIT)' : '           '}: ${p.decodeMs.toFixed(0)} ms  ${rate(p.decodeMs)};  finishBatch + IPC ${p.ipcMs.toFixed(0)} ms`),
      ].join('\n'),
    )
    expect(passes.map((p) => p.rows)).toEqual([ROWS, ROWS])
    expect(passes[0].batches).toBeGreaterThan(0)
  })
})
