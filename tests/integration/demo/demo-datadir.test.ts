import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { isRivetError } from '../../../src/errors/index.js'
import { startDemoServer } from '../../../src/demo/index.js'

const dir = mkdtempSync(join(tmpdir(), 'rivet-demo-'))

async function run(url: string, sql: string): Promise<unknown[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query(sql)).rows
  } finally {
    await c.end()
  }
}

describe('demo server with a dataDir', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('keeps the database in dataDir across restarts, on a new port each time', async () => {
    const first = await startDemoServer({ dataDir: join(dir, 'pgdata') })
    await run(first.url, 'create table demo_kept (id int primary key); insert into demo_kept values (1), (2)')
    await first.stop()
    const second = await startDemoServer({ dataDir: join(dir, 'pgdata') })
    try {
      expect(await run(second.url, 'select count(*)::int as n from demo_kept')).toEqual([{ n: 2 }])
    } finally {
      await second.stop()
    }
  })

  it('reports a dataDir it cannot create as RIVET_DEMO', async () => {
    const error = await startDemoServer({ dataDir: '/proc/rivet-no-such-dir/pgdata' }).then(() => null, (err: unknown) => err)
    expect(isRivetError(error) && error.code).toBe('RIVET_DEMO')
    expect((error as Error).message).toMatch(/could not start in \/proc\/rivet-no-such-dir\/pgdata/)
  })
})
