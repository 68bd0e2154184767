import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PG_URL, pgAvailable } from '../../tests/helpers/db.js'
import { recordActivity, StatementMonitor, type ActivityRow, type Durations } from './statement-monitor.js'

describe('recordActivity', () => {
  const row = (o: Partial<ActivityRow>): ActivityRow => ({ pid: 1, state: 'active', qs: 100, sc: 100, xs: 100, now: 100, ...o })
  it('takes the age while active, then the exact duration once finished', () => {
    const stmts: Durations = new Map()
    const xacts = new Map<string, number>()
    const pids = new Set<number>()
    recordActivity(row({ now: 100.4 }), stmts, xacts, pids)
    expect(stmts.get('1:100')).toEqual({ s: expect.closeTo(0.4, 6), exact: false })
    recordActivity(row({ state: 'idle', sc: 100.45, now: 100.5 }), stmts, xacts, pids)
    expect(stmts.get('1:100')).toEqual({ s: expect.closeTo(0.45, 6), exact: true })
    recordActivity(row({ state: 'idle', sc: 100.45, now: 109 }), stmts, xacts, pids)
    expect(stmts.get('1:100')!.s).toBeCloseTo(0.45, 6)
    expect(xacts.get('1:100')).toBeCloseTo(9, 6)
    expect(pids.size).toBe(1)
  })
})

const hasPg = await pgAvailable()
describe.skipIf(!hasPg)('StatementMonitor against the local server', () => {
  const monitor = new StatementMonitor(PG_URL)
  beforeAll(() => monitor.open())
  afterAll(() => monitor.close())

  it('measures a 300 ms statement within one poll interval and ignores other application names', async () => {
    const tag = `bench_t_${process.pid}_a`
    const watch = monitor.watch(tag)
    const mine = new pg.Client({ connectionString: PG_URL, application_name: `${tag}_x` })
    const other = new pg.Client({ connectionString: PG_URL, application_name: `bench_t_${process.pid}_b` })
    await mine.connect()
    await other.connect()
    await Promise.all([mine.query('select pg_sleep(0.3)'), other.query('select pg_sleep(0.6)')])
    await mine.query('select 1') // a later statement: the pg_sleep entry is then seen finished
    const usage = await watch.stop()
    await mine.end()
    await other.end()
    expect(usage.maxStatementS).toBeGreaterThanOrEqual(0.3)
    expect(usage.maxStatementS).toBeLessThan(0.35)
    expect(usage.backends).toBe(1)
    expect(usage.polls).toBeGreaterThan(5)
  })
})
