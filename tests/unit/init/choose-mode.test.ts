import { describe, expect, it } from 'vitest'
import { chooseMode, DEFAULT_THRESHOLDS, formatRows, isChunkCandidate, normalizeColumnName, pickCursor, tieBreakerKey } from '../../../src/init/index.js'
import type { ColumnShape, IndexShape, ModeChoice, SourceLimits, TableShape } from '../../../src/init/index.js'
import { connectionBudget } from '../../../src/source/connection-budget.js'

const col = (name: string, kind: ColumnShape['kind'], sourceType: string, nullable = false): ColumnShape => ({ name, kind, nullable, sourceType })
const idx = (name: string, columns: (string | null)[], extra: Partial<IndexShape> = {}): IndexShape => ({ name, columns, unique: false, primary: false, usable: true, ...extra })

function table(overrides: Partial<TableShape> = {}): TableShape {
  return {
    schema: 'public',
    name: 'orders',
    columns: [col('id', 'int', 'bigint'), col('note', 'utf8', 'text', true)],
    primaryKey: ['id'],
    indexes: [idx('orders_pkey', ['id'], { unique: true, primary: true })],
    estimate: { rows: 1000, source: 'pg_class.reltuples' },
    ...overrides,
  }
}

/** A budget with `available` spare connections (max_connections 100, none reserved). */
function budget(available: number): SourceLimits {
  // available = 100 - 0 - (inUse - 1) - 10 → inUse = 91 - available
  return { budget: connectionBudget({ engine: 'postgres', maxConnections: 100, reserved: 0, inUse: 91 - available, roleLimit: null, roleInUse: 1 }) }
}

const setting = (choice: ModeChoice, key: string) => choice.settings.find((s) => s.key === key)

describe('chooseMode', () => {
  it('reads a small table in full, saying how small and where the figure came from', () => {
    const choice = chooseMode(table({ estimate: { rows: 850, source: 'pg_class.reltuples' } }), budget(40))
    expect(choice).toEqual({ mode: 'full', why: '~850 rows (pg_class.reltuples): small, read in one snapshot', settings: [] })
  })

  it('reads an empty table in full', () => {
    const choice = chooseMode(table({ estimate: { rows: 0, source: 'EXPLAIN' } }), budget(40))
    expect(choice.mode).toBe('full')
    expect(choice.why).toBe('no rows (EXPLAIN), read in one snapshot')
  })

  it('chunks a large table on its integer primary key, in parallel, naming the column and the estimate', () => {
    const choice = chooseMode(table({ estimate: { rows: 4_200_000, source: 'pg_class.reltuples' } }), budget(40))
    expect(choice.mode).toBe('chunked')
    expect(choice.why).toBe('~4.2M rows (pg_class.reltuples), integer primary key id: ranges of id read in parallel')
    expect(setting(choice, 'chunk_column')?.value).toBe('id')
    expect(setting(choice, 'parallel')?.value).toBe(4)
    expect(setting(choice, 'parallel')?.comment).toContain('the source can spare 40 now')
    expect(setting(choice, 'chunk_checkpoint')).toBeUndefined()
    expect(setting(choice, 'chunk_by_key')).toBeUndefined()
  })

  it('scales parallel readers with size and checkpoints very large tables', () => {
    const at = (rows: number) => chooseMode(table({ estimate: { rows, source: 'EXPLAIN' } }), budget(40))
    expect(setting(at(200_000), 'parallel')?.value).toBe(2)
    expect(setting(at(2_000_000), 'parallel')?.value).toBe(4)
    const huge = at(25_000_000)
    expect(setting(huge, 'parallel')?.value).toBe(8)
    expect(setting(huge, 'chunk_checkpoint')?.value).toBe(true)
    expect(setting(huge, 'chunk_checkpoint')?.comment).toContain('rivet run --resume')
    expect(huge.settings.map((s) => s.key)).toEqual(['chunk_column', 'parallel', 'chunk_checkpoint'])
  })

  it('never writes more readers than the source can spare now, and says why', () => {
    const choice = chooseMode(table({ estimate: { rows: 25_000_000, source: 'EXPLAIN' } }), budget(3))
    expect(setting(choice, 'parallel')?.value).toBe(3)
    expect(setting(choice, 'parallel')?.comment).toMatch(/^clamped: the source can spare 3 connection\(s\) \(max_connections 100/)
  })

  it('falls back to full when the source has no connection to spare', () => {
    const choice = chooseMode(table({ estimate: { rows: 5_000_000, source: 'EXPLAIN' } }), budget(0))
    expect(choice.mode).toBe('full')
    expect(choice.why).toContain('no connection to spare')
  })

  it('writes 2 readers when the budget could not be read', () => {
    const choice = chooseMode(table({ estimate: { rows: 25_000_000, source: 'EXPLAIN' } }), { budget: null })
    expect(setting(choice, 'parallel')?.value).toBe(2)
    expect(setting(choice, 'parallel')?.comment).toContain('could not be read')
  })

  it('pages a sparse integer key by rows (chunk_by_key) instead of mostly empty ranges', () => {
    const sparse = table({ estimate: { rows: 120_000, source: 'pg_class.reltuples' }, keyRange: { min: 1000n, max: 120_000_000n } })
    const choice = chooseMode(sparse, budget(40))
    expect(choice.mode).toBe('chunked')
    expect(setting(choice, 'chunk_by_key')?.value).toBe(true)
    expect(setting(choice, 'chunk_by_key')?.comment).toContain('span of 119999001 values')
    expect(choice.why).toContain('runs of rows in id order')
    const dense = chooseMode(table({ estimate: { rows: 120_000, source: 'pg_class.reltuples' }, keyRange: { min: 1n, max: 130_000n } }), budget(40))
    expect(setting(dense, 'chunk_by_key')).toBeUndefined()
  })

  it.each([
    ['no primary key', { primaryKey: null }, 'no primary key to chunk on'],
    ['a composite primary key', { primaryKey: ['tenant_id', 'id'] }, 'the primary key (tenant_id, id) has 2 columns'],
    ['a uuid primary key', { primaryKey: ['id'], columns: [col('id', 'uuid', 'uuid')] }, 'the primary key id is uuid, not an integer'],
  ] as const)('reads a large table with %s in full, saying why', (_label, shape, reason) => {
    const choice = chooseMode(table({ ...shape, estimate: { rows: 3_000_000, source: 'pg_class.reltuples' } }), budget(40))
    expect(choice.mode).toBe('full')
    expect(choice.why).toBe(`~3M rows (pg_class.reltuples), but ${reason}: read in one snapshot`)
  })

  it('reads a table with an indexed updated_at incrementally, with the primary key as tie-breaker', () => {
    const shape = table({
      columns: [col('id', 'int', 'integer'), col('updated_at', 'timestamp', 'timestamp with time zone')],
      indexes: [idx('orders_pkey', ['id'], { unique: true, primary: true }), idx('orders_updated_at_idx', ['updated_at'])],
      estimate: { rows: 4_200_000, source: 'pg_class.reltuples' },
    })
    const choice = chooseMode(shape, budget(40))
    expect(choice.mode).toBe('incremental')
    expect(choice.why).toBe('~4.2M rows (pg_class.reltuples); updated_at (timestamp with time zone) leads index orders_updated_at_idx: each run reads only the rows changed since the last one')
    expect(choice.settings).toEqual([
      { key: 'cursor_column', value: 'updated_at' },
      { key: 'unique_key', value: ['id'], comment: 'tie-breaker: rows sharing the last updated_at value are told apart by the primary key' },
    ])
  })

  it('warns about NULL cursors and missing keys in the cursor comment', () => {
    const shape = table({
      columns: [col('modified_at', 'timestamp', 'datetime', true), col('note', 'utf8', 'text')],
      primaryKey: null,
      indexes: [idx('ix_modified', ['modified_at'])],
    })
    const choice = chooseMode(shape, budget(40))
    expect(choice.mode).toBe('incremental')
    expect(choice.settings).toHaveLength(1)
    expect(choice.settings[0]!.comment).toBe('nullable: rows whose modified_at is NULL are exported by the first run only; no primary key or unique index: rows at the last modified_at value are exported again by the next run')
  })

  it('does not read incrementally on an unindexed updated_at, and says how to change that', () => {
    const shape = table({ columns: [col('id', 'int', 'integer'), col('updated_at', 'timestamp', 'timestamp without time zone')], estimate: { rows: 2_000_000, source: 'EXPLAIN' } })
    const choice = chooseMode(shape, budget(40))
    expect(choice.mode).toBe('chunked')
    expect(choice.why).toMatch(/; updated_at is not the first column of any index \(index it to read incrementally\)$/)
  })

  it('ignores an updated_at that is not a timestamp, and an index where it is not the first column', () => {
    const notTimestamp = table({ columns: [col('id', 'int', 'integer'), col('updated_at', 'utf8', 'text')], indexes: [idx('ix', ['updated_at'])] })
    expect(chooseMode(notTimestamp, budget(40)).mode).toBe('full')
    const second = table({ columns: [col('id', 'int', 'integer'), col('updated_at', 'timestamp', 'timestamp')], indexes: [idx('ix', ['id', 'updated_at'])] })
    expect(chooseMode(second, budget(40)).mode).toBe('full')
    const partial = table({ columns: [col('id', 'int', 'integer'), col('updated_at', 'timestamp', 'timestamp')], indexes: [idx('ix', ['updated_at'], { usable: false })] })
    expect(chooseMode(partial, budget(40)).mode).toBe('full')
  })

  it('treats chunk candidates as the discovery must probe them', () => {
    expect(isChunkCandidate(table({ estimate: { rows: DEFAULT_THRESHOLDS.chunkedMinRows, source: 'x' } }))).toBe(true)
    expect(isChunkCandidate(table({ estimate: { rows: DEFAULT_THRESHOLDS.chunkedMinRows - 1, source: 'x' } }))).toBe(false)
    expect(isChunkCandidate(table({ estimate: { rows: 10_000_000, source: 'x' }, primaryKey: null }))).toBe(false)
  })
})

describe('pickCursor', () => {
  it('prefers an indexed candidate, then the name list order, then NOT NULL', () => {
    const shape = table({
      columns: [col('id', 'int', 'int'), col('updated_at', 'timestamp', 'timestamp'), col('last_modified', 'timestamp', 'timestamp'), col('mtime', 'timestamp', 'timestamp')],
      indexes: [idx('by_mtime', ['mtime']), idx('by_last_modified', ['last_modified', 'id'])],
    })
    expect(pickCursor(shape)?.column.name).toBe('last_modified')
    expect(pickCursor(shape)?.index?.name).toBe('by_last_modified')
    const unindexed = table({ columns: [col('mtime', 'timestamp', 'timestamp'), col('updated_at', 'timestamp', 'timestamp')], indexes: [] })
    expect(pickCursor(unindexed)).toEqual({ column: unindexed.columns[1], index: null })
  })

  it('chooses the narrowest leading index', () => {
    const shape = table({ columns: [col('updated_at', 'timestamp', 'timestamp')], indexes: [idx('wide', ['updated_at', 'a', 'b']), idx('narrow', ['updated_at'])] })
    expect(pickCursor(shape)?.index?.name).toBe('narrow')
  })

  it('recognises camelCase and other spellings', () => {
    expect(normalizeColumnName('updatedAt')).toBe('updated_at')
    expect(normalizeColumnName('Last-Modified')).toBe('last_modified')
    expect(normalizeColumnName('UPDATED_AT')).toBe('updated_at')
    expect(pickCursor(table({ columns: [col('createdAt', 'timestamp', 'timestamp')] }))).toBeNull()
  })
})

describe('tieBreakerKey', () => {
  it('uses the primary key, else the narrowest unique index over NOT NULL columns', () => {
    expect(tieBreakerKey(table())).toEqual({ columns: ['id'], what: 'the primary key' })
    const noPk = table({
      primaryKey: null,
      columns: [col('a', 'int', 'int'), col('b', 'int', 'int'), col('c', 'int', 'int', true)],
      indexes: [idx('u_ab', ['a', 'b'], { unique: true }), idx('u_c', ['c'], { unique: true }), idx('u_expr', [null], { unique: true })],
    })
    expect(tieBreakerKey(noPk)).toEqual({ columns: ['a', 'b'], what: 'unique index u_ab' })
    expect(tieBreakerKey(table({ primaryKey: null, indexes: [] }))).toBeNull()
  })
})

describe('formatRows', () => {
  it.each([
    [0, 'no rows'],
    [1, '~1 row'],
    [850, '~850 rows'],
    [4_200, '~4.2k rows'],
    [200_000, '~200k rows'],
    [4_200_000, '~4.2M rows'],
    [42_000_000, '~42M rows'],
    [1_500_000_000, '~1.5B rows'],
  ])('%d → %s', (rows, text) => expect(formatRows(rows)).toBe(text))
})
