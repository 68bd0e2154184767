import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../../src/config/index.js'
import { buildMysqlExtractPlan, buildPgExtractPlan, planRowKey } from '../../../src/plan/index.js'
import type { SourceConnectParams } from '../../../src/plan/index.js'
import type { ColumnSpec } from '../../../src/types/index.js'

/** The export of a config with `extra` lines added to it. */
function exportWith(extra: string, type: 'postgres' | 'mysql' = 'postgres') {
  const yaml = `source:\n  type: ${type}\n  url: ${type}://u@h/db\nexports:\n  - name: e\n    format: csv\n    destination: { type: local, path: ./out }\n${extra}`
  return parseConfig(yaml, { configPath: '/tmp/rivet.yaml', env: {} }).exports[0]!
}

const column = (name: string): ColumnSpec => ({ name, type: { kind: 'int', bits: 32, signed: true }, nullable: false, sourceType: 'int4', decoder: 'int4', fidelity: 'exact' })
const columns = ['id', 'tenant', 'created_at', 'amount'].map(column)
const connect: SourceConnectParams = { host: 'h', port: 5432, user: 'u', database: 'db', applicationName: 'rivet', tls: { mode: 'disable' }, connectTimeoutMs: 1000 }

describe('planRowKey: which columns a data error names its row by', () => {
  it('prefers unique_key, then the primary key, then the chunk column', () => {
    const keyed = exportWith('    table: t\n    mode: incremental\n    cursor_column: created_at\n    unique_key: [tenant, id]\n')
    expect(planRowKey(keyed, columns, ['id'])).toEqual({ columns: [1, 0], from: 'unique_key' })
    const plain = exportWith('    table: t\n')
    expect(planRowKey(plain, columns, ['id'])).toEqual({ columns: [0], from: 'primary_key' })
    const chunked = exportWith('    query: select * from t\n    mode: chunked\n    chunk_column: created_at\n')
    expect(planRowKey(chunked, columns, null)).toEqual({ columns: [2], from: 'chunk_column' })
    expect(planRowKey(plain, columns, null)).toBeUndefined()
  })

  it('skips a key whose columns are not read, and matches names case-insensitively as a fallback', () => {
    const plain = exportWith('    table: t\n')
    expect(planRowKey(plain, columns, ['gone'])).toBeUndefined()
    expect(planRowKey(plain, columns, ['ID'])).toEqual({ columns: [0], from: 'primary_key' })
  })

  it('is part of the PostgreSQL and MySQL extract plans', () => {
    const plain = exportWith('    table: t\n')
    const relation = { oid: 1, schema: 'public', name: 't', relkind: 'r', pages: 1, estimatedRows: 1, primaryKey: ['amount'] }
    expect(buildPgExtractPlan(plain, connect, { columns, relation }).rowKey).toEqual({ columns: [3], from: 'primary_key' })
    expect(buildPgExtractPlan(plain, connect, { columns, relation: null }).rowKey).toBeUndefined()
    const mysql = exportWith('    table: t\n', 'mysql')
    const facts = { columns, relation: { schema: 'db', name: 't', isView: false, estimatedRows: 1, primaryKey: ['tenant', 'id'] } }
    const plan = buildMysqlExtractPlan(mysql, connect, facts, { specs: [], plan: { exportedAtUs: null, rowHash: null } })
    expect(plan.rowKey).toEqual({ columns: [1, 0], from: 'primary_key' })
  })
})
