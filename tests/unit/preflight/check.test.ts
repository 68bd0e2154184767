import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../../src/config/index.js'
import { summarizeMysqlExplain, summarizePgPlan } from '../../../src/preflight/check-source.js'
import { tlsWarning, worstVerdict, type ExportCheck } from '../../../src/preflight/check.js'

const config = (url: string, tls = '') => parseConfig(`source:\n  type: postgres\n  url: ${url}\n${tls}exports:\n  - { name: a, table: a, format: csv, destination: { type: local, path: o } }\n`, { configPath: '/tmp/rivet.yaml', env: {} })

describe('tlsWarning', () => {
  it('warns for a remote host without required TLS, and not for loopback or verify-full', () => {
    expect(tlsWarning(config('postgresql://r@db.internal/d'))).toEqual([
      'the source db.internal is not on this host, but TLS is only preferred (a server without TLS is accepted in clear text): set source.tls.mode: verify-full (or require)',
    ])
    expect(tlsWarning(config('postgresql://r@db.internal/d?sslmode=disable'))[0]).toContain('TLS is disabled')
    expect(tlsWarning(config('postgresql://r@127.0.0.1/d'))).toEqual([])
    expect(tlsWarning(config('postgresql://r@localhost/d'))).toEqual([])
    expect(tlsWarning(config('postgresql://r@db.internal/d', '  tls: { mode: verify-full }\n'))).toEqual([])
  })
})

describe('EXPLAIN summaries', () => {
  it('finds the scan under Limit and Sort in a PostgreSQL plan', () => {
    const plan = { 'Node Type': 'Limit', Plans: [{ 'Node Type': 'Sort', Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 'orders', 'Plan Rows': 4200 }] }] }
    expect(summarizePgPlan(plan)).toEqual({ access: 'scan', text: 'Seq Scan on orders (rows=4200)' })
    expect(summarizePgPlan({ 'Node Type': 'Index Scan', 'Index Name': 'orders_pkey', 'Relation Name': 'orders', 'Plan Rows': 1 }).access).toBe('index')
    expect(summarizePgPlan({ 'Node Type': 'Bitmap Heap Scan', Plans: [{ 'Node Type': 'Bitmap Index Scan', 'Index Name': 'i' }] }).access).toBe('index')
    expect(summarizePgPlan({ 'Node Type': 'Tid Range Scan', 'Relation Name': 't', 'Plan Rows': 9 }).access).toBe('tid')
  })

  it('reads MySQL EXPLAIN rows: ALL is a scan, range/const/ref use an index', () => {
    expect(summarizeMysqlExplain([{ table: 't', type: 'ALL', key: null, rows: 300000, Extra: 'Using where' }])).toEqual({ access: 'scan', text: 'type=ALL on t (rows=300000) Using where' })
    expect(summarizeMysqlExplain([{ table: 't', type: 'range', key: 'PRIMARY', rows: 10 }]).access).toBe('index')
    expect(summarizeMysqlExplain([{ table: 't', type: 'const', key: 'PRIMARY', rows: 1 }]).text).toBe('type=const key=PRIMARY on t (rows=1)')
  })
})

describe('worstVerdict', () => {
  it('orders Efficient < Acceptable < Degraded < Unsafe', () => {
    const v = (verdict: ExportCheck['verdict']) => ({ verdict }) as ExportCheck
    expect(worstVerdict([v('Efficient'), v('Degraded'), v('Acceptable')])).toBe('Degraded')
    expect(worstVerdict([v('Unsafe'), v('Efficient')])).toBe('Unsafe')
    expect(worstVerdict([])).toBe('Efficient')
  })
})
