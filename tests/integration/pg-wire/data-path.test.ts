import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pgAvailable } from '../../helpers/db.js'
import type { PgWireConnection } from '../../../src/source/pg/wire/index.js'
import { PGCOPY_SIGNATURE, connectTest, readBinaryCopy, rejectionOf } from './helpers.js'

const hasPg = await pgAvailable()
const MB = 1024 * 1024

/** Decode the int8 first field of binary DataRows, checking the row layout on the way. */
function int8Collector(into: (bigint | null)[]): (buf: Uint8Array, offset: number, length: number) => void {
  return (buf, offset) => {
    const view = new DataView(buf.buffer, buf.byteOffset)
    const len = view.getInt32(offset + 2)
    into.push(len === -1 ? null : view.getBigInt64(offset + 6))
  }
}

describe.skipIf(!hasPg)('PgWireConnection data path', () => {
  let conn: PgWireConnection

  beforeAll(async () => {
    conn = await connectTest()
    await conn.query('drop table if exists wire_t1; create table wire_t1 (id int8 primary key, v text, n int4)')
    await conn.query("insert into wire_t1 select g, 'v' || g, case when g % 3 = 0 then null else g end from generate_series(1, 20000) g")
  })
  afterAll(async () => {
    await conn?.query('drop table if exists wire_t1').catch(() => undefined)
    await conn?.close()
  })

  it('copyOut streams a binary COPY: PGCOPY signature, every tuple, the row count', async () => {
    const chunks: Buffer[] = []
    const r = await conn.copyOut('COPY (select id, v, n from wire_t1 order by id) TO STDOUT (FORMAT binary)', (buf, offset, length) => {
      chunks.push(Buffer.from(buf.subarray(offset, offset + length))) // the range is only valid during the call
    })
    const data = Buffer.concat(chunks)
    expect(data.subarray(0, 11).equals(PGCOPY_SIGNATURE)).toBe(true)
    expect(r).toEqual({ command: 'COPY 20000', rows: 20000 })
    const ids = readBinaryCopy(data)
    expect(ids).toHaveLength(20000)
    expect(ids[0]).toBe(1n)
    expect(ids[19999]).toBe(20000n)
  })

  it('queryBinary returns FETCH rows from a cursor in binary, int8 big-endian and NULL as -1', async () => {
    await conn.query('begin; declare wire_c no scroll cursor for select id, n, v from wire_t1 order by id')
    const ids: (bigint | null)[] = []
    let nullLength = 0
    let fieldCount = 0
    const r = await conn.queryBinary('FETCH FORWARD 3 FROM wire_c', (buf, offset, length) => {
      const view = new DataView(buf.buffer, buf.byteOffset)
      fieldCount = view.getInt16(offset)
      ids.push(view.getBigInt64(offset + 6))
      const nLen = view.getInt32(offset + 2 + 4 + 8)
      if (nLen === -1) nullLength++
      expect(offset + length).toBeLessThanOrEqual(buf.length)
    })
    expect(fieldCount).toBe(3)
    expect(ids).toEqual([1n, 2n, 3n])
    expect(nullLength).toBe(1) // id 3 has n = NULL
    expect(r.command).toBe('FETCH 3')
    expect(r.rows).toBe(3)
    expect(r.fields.map((f) => [f.name, f.typeOid, f.format])).toEqual([['id', 20, 1], ['n', 23, 1], ['v', 25, 1]])
    const rest: (bigint | null)[] = []
    const r2 = await conn.queryBinary('FETCH FORWARD 100000 FROM wire_c', int8Collector(rest))
    expect(r2.rows).toBe(19997)
    expect(rest[0]).toBe(4n)
    expect(rest.at(-1)).toBe(20000n)
    await conn.query('commit')
  })

  it('queryBinary decodes a negative int8 and reports NoData statements with no fields', async () => {
    const got: (bigint | null)[] = []
    await conn.queryBinary('select (-2)::int8 union all select null::int8', int8Collector(got))
    expect(got).toEqual([-2n, null])
    const r = await conn.queryBinary('set search_path = public', () => undefined)
    expect(r).toEqual({ fields: [], command: 'SET', rows: 0 })
  })

  it('returns a 50 MB bytea value through queryBinary and copyOut', async () => {
    const size = 50 * MB
    const sql = `select convert_to(repeat('x', ${size - 3}) || 'end', 'UTF8')`
    let checked = false
    await conn.queryBinary(sql, (buf, offset, length) => {
      const view = new DataView(buf.buffer, buf.byteOffset)
      expect(length).toBe(2 + 4 + size)
      expect(view.getInt32(offset + 2)).toBe(size)
      const start = offset + 6
      expect(buf[start]).toBe(0x78)
      expect(buf[start + (size >> 1)]).toBe(0x78)
      expect(Buffer.from(buf.buffer, buf.byteOffset + start + size - 3, 3).toString()).toBe('end')
      checked = true
    })
    expect(checked).toBe(true)
    let total = 0
    const r = await conn.copyOut(`COPY (${sql}) TO STDOUT (FORMAT binary)`, (_buf, _offset, length) => {
      total += length
    })
    expect(r.rows).toBe(1)
    expect(total).toBe(19 + 2 + 4 + size + 2) // header, tuple, trailer
    expect((await conn.query('select 1')).rows).toEqual([['1']])
  })

  it('delivers many small rows in order', async () => {
    const got: (bigint | null)[] = []
    const r = await conn.queryBinary('select g::int8 from generate_series(1, 300000) g', int8Collector(got))
    expect(r.rows).toBe(300000)
    let inOrder = true
    for (let i = 0; i < got.length; i++) if (got[i] !== BigInt(i + 1)) inOrder = false
    expect(inOrder).toBe(true)
  })

  it('pause/resume holds rows back without losing or reordering any', async () => {
    const got: (bigint | null)[] = []
    let paused = false
    let pauses = 0
    let callbacksWhilePaused = 0
    const collect = int8Collector(got)
    const r = await conn.queryBinary('select g::int8 from generate_series(1, 200000) g', (buf, offset, length) => {
      if (paused) callbacksWhilePaused++
      collect(buf, offset, length)
      if (got.length % 5000 === 0) {
        paused = true
        pauses++
        conn.pause()
        setImmediate(() => {
          paused = false
          conn.resume()
        })
      }
    })
    expect(r.rows).toBe(200000)
    expect(pauses).toBe(40)
    expect(callbacksWhilePaused).toBe(0)
    expect(got).toHaveLength(200000)
    expect(got.every((v, i) => v === BigInt(i + 1))).toBe(true)
  })

  it('rejects with the callback error, drains the rest and stays usable', async () => {
    let calls = 0
    const boom = new Error('decoder failed')
    const err = await rejectionOf(conn.queryBinary('select g::int8 from generate_series(1, 1000) g', () => {
      calls++
      if (calls === 5) throw boom
    }))
    expect(err).toBe(boom)
    expect(calls).toBe(5)
    const copyErr = await rejectionOf(conn.copyOut('copy (select 1) to stdout', () => {
      throw boom
    }))
    expect(copyErr).toBe(boom)
    expect((await conn.query('select 7')).rows).toEqual([['7']])
  })

  it('copyOut rejects a statement that is not COPY TO STDOUT', async () => {
    const err = await rejectionOf(conn.copyOut('select 1', () => undefined))
    expect(err.code).toBe('RIVET_SOURCE_QUERY')
    const missing = await rejectionOf(conn.copyOut('copy wire_missing to stdout', () => undefined))
    expect(missing.code).toBe('RIVET_SOURCE_NOT_FOUND')
    expect((await conn.query('select 8')).rows).toEqual([['8']])
  })

  it('refuses COPY FROM STDIN and stays usable', async () => {
    const err = await rejectionOf(conn.query('copy wire_t1 from stdin'))
    expect(err.code).toBe('RIVET_SOURCE_QUERY')
    expect((await conn.query('select count(*) from wire_t1')).rows).toEqual([['20000']])
  })
})
