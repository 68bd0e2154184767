import type { RecordBatch } from 'apache-arrow'
import type pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BatchBuilder } from '../../../src/arrow/index.js'
import { CopyBinaryStream, PgRowDecoder } from '../../../src/source/pg/decode/index.js'
import { describePgTable } from '../../../src/source/pg/introspect/index.js'
import { mapPgColumns, pgSelectExpression } from '../../../src/source/pg/types/index.js'
import { PG_URL, pgAvailable } from '../../helpers/db.js'
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
  })

  it('reports rows/s for 1M rows of (bigint, text, numeric(18,4), timestamptz, jsonb, uuid)', async () => {
    const columns = mapPgColumns((await describePgTable(client, { schema: null, name: 'pgtypes_perf' })).columns, {})
    const sql = `COPY (SELECT ${columns.map(pgSelectExpression).join(', ')} FROM pgtypes_perf) TO STDOUT (FORMAT binary)`

    // baseline: the same COPY, bytes only
    let t0 = performance.now()
    let bytes = 0
    for await (const chunk of client.query(copyTo(sql))) bytes += (chunk as Uint8Array).length
    const copyOnlyMs = performance.now() - t0

    const batch = new BatchBuilder(columns, { maxBytes: 64 * 1024 * 1024 })
    let ipcMs = 0
    let ipcBytes = 0
    let batches = 0
    const onBatch = (b: RecordBatch) => {
      const s = performance.now()
      ipcBytes += batch.toIPC(b).length
      ipcMs += performance.now() - s
      batches++
    }
    const stream = new CopyBinaryStream(new PgRowDecoder(columns, batch), { onBatch })
    let pushMs = 0
    t0 = performance.now()
    for await (const chunk of client.query(copyTo(sql))) {
      const s = performance.now()
      stream.push(chunk as Uint8Array)
      pushMs += performance.now() - s
    }
    stream.end()
    const totalMs = performance.now() - t0
    const decodeMs = pushMs - ipcMs
    const rate = (ms: number) => `${Math.round(ROWS / (ms / 1000)).toLocaleString('en-US')} rows/s`
    console.log(
      [
        `decode throughput, ${ROWS.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(0)} MB of COPY data, ${batches} batches, ${(ipcBytes / 1e6).toFixed(0)} MB IPC`,
        `  COPY only (bytes counted):     ${copyOnlyMs.toFixed(0)} ms  ${rate(copyOnlyMs)}`,
        `  decode into builders:          ${decodeMs.toFixed(0)} ms  ${rate(decodeMs)}`,
        `  finishBatch + IPC:             ${ipcMs.toFixed(0)} ms`,
        `  COPY + decode + IPC (wall):    ${totalMs.toFixed(0)} ms  ${rate(totalMs)}`,
      ].join('\n'),
    )
    expect(stream.rows).toBe(ROWS)
    expect(batches).toBeGreaterThan(0)
  })
})
