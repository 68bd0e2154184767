import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig, parseConfig, parseDuration, type ConfigIssue, type ResolvedExport } from '../../../src/config/index.js'
import { captureError, tempDir } from './helpers.js'

const tmp = tempDir()
afterAll(() => tmp.remove())

/** A config with one export; `keys` are extra lines of that export (`key: value`, one per line). */
function configText(keys: string, input = 'table: public.orders'): string {
  const extra = keys.trim() === '' ? '' : `${keys.trim().split('\n').map((l) => `    ${l.trim()}`).join('\n')}\n`
  return `source:
  type: postgres
  url: postgresql://rivet@db.internal:5432/shop
exports:
  - name: orders
    ${input}
    format: parquet
    destination: { type: local, path: ./out }
${extra}`
}

const resolveExport = (keys: string, input?: string, env: NodeJS.ProcessEnv = {}): ResolvedExport =>
  parseConfig(configText(keys, input), { configPath: '/etc/rivet/rivet.yaml', env }).exports[0] as ResolvedExport

function issuesOf(keys: string, input?: string): readonly ConfigIssue[] {
  const err = captureError(() => parseConfig(configText(keys, input), { configPath: '/etc/rivet/rivet.yaml', env: {} }))
  expect(err.code).toBe('RIVET_CONFIG_INVALID')
  return err.items as readonly ConfigIssue[]
}

/** The single issue a config produces; fails when there are none or several. */
function onlyIssue(keys: string, input?: string): ConfigIssue {
  const items = issuesOf(keys, input)
  expect(items.map((i) => `${i.code} at ${i.path}`)).toHaveLength(1)
  return items[0] as ConfigIssue
}

describe('mode full', () => {
  it('resolves no mode blocks and the defaults of the keys every mode takes', () => {
    const exp = resolveExport('')
    expect(exp).toMatchObject({
      mode: 'full', incremental: null, uniqueKey: null, chunked: null, timeWindow: null, chunkMaxStatementS: 1,
      metaColumns: { exportedAt: false, rowHash: null },
    })
  })

  it('takes chunk_max_statement_s, meta_columns and parallel: 1', () => {
    const exp = resolveExport('chunk_max_statement_s: 0.25\nparallel: 1\nmeta_columns: { exported_at: true, row_hash: true }')
    expect(exp.chunkMaxStatementS).toBe(0.25)
    expect(exp.metaColumns).toEqual({ exportedAt: true, rowHash: 'all' })
  })
})

describe('mode incremental', () => {
  it('resolves the cursor with its defaults', () => {
    expect(resolveExport('mode: incremental\ncursor_column: updated_at').incremental).toEqual({
      cursorColumn: 'updated_at', fallbackColumn: null, cursorMode: 'single', overlap: null,
    })
  })

  it('resolves coalesce, the fallback column, unique_key and a duration overlap', () => {
    const exp = resolveExport('mode: incremental\ncursor_column: updated_at\ncursor_fallback_column: created_at\nincremental_cursor_mode: coalesce\ncursor_overlap: 15m\nunique_key: [tenant_id, id]')
    expect(exp.incremental).toEqual({ cursorColumn: 'updated_at', fallbackColumn: 'created_at', cursorMode: 'coalesce', overlap: { kind: 'duration', seconds: 900 } })
    expect(exp.uniqueKey).toEqual(['tenant_id', 'id'])
    expect(exp.chunked).toBeNull()
  })

  it.each([
    ['2h', { kind: 'duration', seconds: 7200 }],
    ['1d', { kind: 'duration', seconds: 86_400 }],
    ['90s', { kind: 'duration', seconds: 90 }],
    ['0s', { kind: 'duration', seconds: 0 }],
    ['100', { kind: 'number', value: 100 }],
    ['0.5', { kind: 'number', value: 0.5 }],
    ['0', { kind: 'number', value: 0 }],
  ])('reads cursor_overlap %s', (text, overlap) => {
    expect(resolveExport(`mode: incremental\ncursor_column: id\ncursor_overlap: ${text}`).incremental?.overlap).toEqual(overlap)
  })

  it('reads a cursor_overlap number from ${VAR} as a number', () => {
    const exp = resolveExport('mode: incremental\ncursor_column: id\ncursor_overlap: ${OVERLAP}', undefined, { OVERLAP: '500' })
    expect(exp.incremental?.overlap).toEqual({ kind: 'number', value: 500 })
  })

  it('accepts query:', () => {
    const exp = resolveExport('mode: incremental\ncursor_column: id', 'query: select id, total from orders')
    expect(exp.query).toBe('select id, total from orders')
    expect(exp.incremental?.cursorColumn).toBe('id')
  })
})

describe('mode chunked', () => {
  it('resolves a table export without chunk_column to the primary key (column null) and range chunks', () => {
    expect(resolveExport('mode: chunked').chunked).toEqual({
      column: null, strategy: 'range', size: null, count: null, days: null, parallel: 1, checkpoint: false, maxAttempts: 3,
    })
  })

  it('resolves every chunk key', () => {
    const exp = resolveExport('mode: chunked\nchunk_column: id\nchunk_count: 16\nchunk_dense: true\nparallel: 8\nchunk_checkpoint: true\nchunk_max_attempts: 5\nunique_key: [id]')
    expect(exp.chunked).toEqual({ column: 'id', strategy: 'dense', size: null, count: 16, days: null, parallel: 8, checkpoint: true, maxAttempts: 5 })
    expect(exp.uniqueKey).toEqual(['id'])
    expect(exp.incremental).toBeNull()
  })

  it.each([
    ['chunk_column: created_at\nchunk_by_days: 7', { column: 'created_at', strategy: 'days', days: 7, size: null }],
    ['chunk_by_key: true\nchunk_size: 50000', { column: null, strategy: 'keyset', size: 50000 }],
    ['chunk_column: id\nchunk_size: 100000\nchunk_dense: false', { column: 'id', strategy: 'range', size: 100000 }],
  ])('chooses the strategy from %j', (keys, expected) => {
    expect(resolveExport(`mode: chunked\n${keys}`).chunked).toMatchObject(expected)
  })

  it('accepts a query with chunk_column, and a keyset query with unique_key', () => {
    expect(resolveExport('mode: chunked\nchunk_column: id', 'query: select * from orders').chunked?.column).toBe('id')
    const keyset = resolveExport('mode: chunked\nchunk_by_key: true\nunique_key: [id]', 'query: select * from orders')
    expect(keyset.chunked).toMatchObject({ column: null, strategy: 'keyset' })
    expect(keyset.uniqueKey).toEqual(['id'])
  })
})

describe('mode time_window', () => {
  it('resolves the window with the default column type', () => {
    expect(resolveExport('mode: time_window\ntime_column: created_at\ndays_window: 7').timeWindow).toEqual({ column: 'created_at', columnType: 'timestamp', daysWindow: 7 })
  })

  it('resolves a unix column', () => {
    const exp = resolveExport('mode: time_window\ntime_column: ts\ntime_column_type: unix\ndays_window: 30')
    expect(exp.timeWindow).toEqual({ column: 'ts', columnType: 'unix', daysWindow: 30 })
    expect(exp.incremental).toBeNull()
    expect(exp.chunked).toBeNull()
  })
})

describe('meta_columns', () => {
  it.each([
    ['{ row_hash: false }', { exportedAt: false, rowHash: null }],
    ['{ row_hash: [id, total] }', { exportedAt: false, rowHash: ['id', 'total'] }],
    ['{ exported_at: true }', { exportedAt: true, rowHash: null }],
  ])('resolves %s', (yaml, expected) => {
    expect(resolveExport(`meta_columns: ${yaml}`).metaColumns).toEqual(expected)
  })
})

describe('keys of another mode', () => {
  it.each([
    ['cursor_column: id', 'cursor_column', 'incremental'],
    ['mode: chunked\ncursor_column: id', 'cursor_column', 'incremental'],
    ['cursor_overlap: 15m', 'cursor_overlap', 'incremental'],
    ['incremental_cursor_mode: single', 'incremental_cursor_mode', 'incremental'],
    ['mode: incremental\ncursor_column: id\nchunk_size: 1000', 'chunk_size', 'chunked'],
    ['chunk_checkpoint: true', 'chunk_checkpoint', 'chunked'],
    ['mode: time_window\ntime_column: t\ndays_window: 1\nchunk_max_attempts: 2', 'chunk_max_attempts', 'chunked'],
    ['chunk_dense: false', 'chunk_dense', 'chunked'],
    ['mode: chunked\ntime_column: created_at', 'time_column', 'time_window'],
    ['days_window: 7', 'days_window', 'time_window'],
    ['time_column_type: unix', 'time_column_type', 'time_window'],
  ])('%j: %s is an error', (keys, key, mode) => {
    const issue = onlyIssue(keys)
    expect(issue).toMatchObject({ code: 'RIVET_CONFIG_CONFLICT', path: `exports[0].${key}`, hint: `set mode: ${mode} or remove the key` })
    expect(issue.message).toContain(`exports[0].${key} applies to mode: ${mode} — exports[0].mode is`)
  })

  it('names the default mode when mode is not set', () => {
    expect(onlyIssue('cursor_column: id').message).toBe('exports[0].cursor_column applies to mode: incremental — exports[0].mode is full (the default)')
  })

  it('allows unique_key with incremental and chunked only', () => {
    const issue = onlyIssue('mode: time_window\ntime_column: t\ndays_window: 1\nunique_key: [id]')
    expect(issue).toMatchObject({ code: 'RIVET_CONFIG_CONFLICT', path: 'exports[0].unique_key', hint: 'set mode: incremental or chunked, or remove the key' })
    expect(issue.message).toContain('applies to mode: incremental or chunked — exports[0].mode is time_window')
  })

  it('rejects parallel above 1 outside chunked', () => {
    const issue = onlyIssue('mode: incremental\ncursor_column: id\nparallel: 4')
    expect(issue).toMatchObject({ code: 'RIVET_CONFIG_CONFLICT', path: 'exports[0].parallel', hint: 'parallel reads split the table into chunks: use mode: chunked' })
    expect(issue.message).toBe('exports[0].parallel 4 applies to mode: chunked — exports[0].mode is incremental')
  })

  it('reports only the enum problem when the mode itself is invalid', () => {
    const issue = onlyIssue('mode: chunkd\ncursor_column: id\nparallel: 4')
    expect(issue).toMatchObject({ code: 'RIVET_CONFIG_ENUM', path: 'exports[0].mode' })
    expect(issue.message).toContain('did you mean chunked?')
  })
})

describe('keys a mode requires', () => {
  it('incremental needs cursor_column', () => {
    const issue = onlyIssue('mode: incremental')
    expect(issue).toMatchObject({ code: 'RIVET_CONFIG_MISSING', path: 'exports[0].cursor_column', message: 'exports[0].cursor_column is required with mode: incremental' })
    expect(issue.hint).toMatch(/^add cursor_column: /)
  })

  it('time_window needs time_column and days_window', () => {
    expect(issuesOf('mode: time_window').map((i) => `${i.code} at ${i.path}`)).toEqual([
      'RIVET_CONFIG_MISSING at exports[0].time_column',
      'RIVET_CONFIG_MISSING at exports[0].days_window',
    ])
  })
})

describe('incremental cursor rules', () => {
  const inc = 'mode: incremental\ncursor_column: updated_at\n'

  it('coalesce requires cursor_fallback_column', () => {
    expect(onlyIssue(`${inc}incremental_cursor_mode: coalesce`)).toMatchObject({
      code: 'RIVET_CONFIG_MISSING', path: 'exports[0].cursor_fallback_column', message: 'exports[0].cursor_fallback_column is required with incremental_cursor_mode: coalesce',
    })
  })

  it.each([
    ['', 'single (the default)'],
    ['incremental_cursor_mode: single\n', 'single'],
  ])('cursor_fallback_column requires coalesce (%j)', (modeLine, shown) => {
    const issue = onlyIssue(`${inc}${modeLine}cursor_fallback_column: created_at`)
    expect(issue).toMatchObject({ code: 'RIVET_CONFIG_CONFLICT', path: 'exports[0].cursor_fallback_column', hint: 'set incremental_cursor_mode: coalesce, or remove cursor_fallback_column' })
    expect(issue.message).toBe(`exports[0].cursor_fallback_column needs incremental_cursor_mode: coalesce, but it is ${shown}`)
  })

  it('the fallback must be another column', () => {
    expect(onlyIssue(`${inc}incremental_cursor_mode: coalesce\ncursor_fallback_column: updated_at`)).toMatchObject({
      code: 'RIVET_CONFIG_CONFLICT', path: 'exports[0].cursor_fallback_column', message: 'exports[0].cursor_fallback_column names the same column as exports[0].cursor_column',
    })
  })
})

describe('chunking rules', () => {
  it('chunk_size and chunk_count exclude each other', () => {
    const issue = onlyIssue('mode: chunked\nchunk_size: 1000\nchunk_count: 10')
    expect(issue).toMatchObject({ code: 'RIVET_CONFIG_CONFLICT', path: 'exports[0].chunk_count' })
    expect(issue.message).toContain('exports[0].chunk_size and exports[0].chunk_count conflict')
  })

  it('allows at most one of chunk_dense, chunk_by_days and chunk_by_key', () => {
    const issue = onlyIssue('mode: chunked\nchunk_column: id\nchunk_dense: true\nchunk_by_key: true')
    expect(issue).toMatchObject({ code: 'RIVET_CONFIG_CONFLICT', path: 'exports[0].chunk_by_key', message: 'exports[0].chunk_dense and exports[0].chunk_by_key conflict — give only one chunking strategy' })
    expect(onlyIssue('mode: chunked\nchunk_column: d\nchunk_by_days: 1\nchunk_by_key: true').path).toBe('exports[0].chunk_by_key')
  })

  it.each(['chunk_size: 1000', 'chunk_count: 4'])('chunk_by_days excludes %s', (line) => {
    const key = line.split(':')[0] as string
    const issue = onlyIssue(`mode: chunked\nchunk_column: created_at\nchunk_by_days: 7\n${line}`)
    expect(issue).toMatchObject({ code: 'RIVET_CONFIG_CONFLICT', path: `exports[0].${key}` })
    expect(issue.message).toBe(`exports[0].${key} conflicts with exports[0].chunk_by_days: day ranges set the chunk width`)
  })

  it('chunk_by_days requires chunk_column, even on a table', () => {
    expect(onlyIssue('mode: chunked\nchunk_by_days: 7')).toMatchObject({ code: 'RIVET_CONFIG_MISSING', path: 'exports[0].chunk_column', message: 'exports[0].chunk_column is required with chunk_by_days' })
  })

  it('a query needs chunk_column: it has no primary key', () => {
    const issue = onlyIssue('mode: chunked', 'query: select * from orders')
    expect(issue).toMatchObject({ code: 'RIVET_CONFIG_MISSING', path: 'exports[0].chunk_column' })
    expect(issue.message).toBe('exports[0].chunk_column is required with query: — only a table: export falls back to its primary key')
    expect(issue.hint).toBe('name the column of the query result to split on, or export a table: instead')
  })

  it('a keyset query needs chunk_column or unique_key', () => {
    const issue = onlyIssue('mode: chunked\nchunk_by_key: true', 'query: select * from orders')
    expect(issue).toMatchObject({ code: 'RIVET_CONFIG_MISSING', path: 'exports[0].chunk_column' })
    expect(issue.hint).toContain('(or give unique_key)')
  })

  it('names query_file when the SQL comes from a file', () => {
    tmp.write('q/sql/orders.sql', 'select * from orders')
    const file = tmp.write('q/rivet.yaml', configText('mode: chunked', 'query_file: sql/orders.sql'))
    const err = captureError(() => loadConfig(file, { env: {} }))
    expect(err.items.map((i) => [i.code, (i as ConfigIssue).path, i.message])).toEqual([
      ['RIVET_CONFIG_MISSING', 'exports[0].chunk_column', 'exports[0].chunk_column is required with query_file: — only a table: export falls back to its primary key'],
    ])
  })
})

describe('values of the mode keys', () => {
  it.each([
    ['parallel: 65', 'RIVET_CONFIG_RANGE', 'parallel', 'must be between 1 and 64, got 65'],
    ['chunk_max_statement_s: 0', 'RIVET_CONFIG_RANGE', 'chunk_max_statement_s', 'must be greater than 0 and at most 3600, got 0'],
    ['chunk_max_statement_s: 3600.5', 'RIVET_CONFIG_RANGE', 'chunk_max_statement_s', 'must be greater than 0 and at most 3600, got 3600.5'],
    ['chunk_max_statement_s: fast', 'RIVET_CONFIG_TYPE', 'chunk_max_statement_s', 'must be a number, got a string'],
    ['mode: chunked\nchunk_count: 0', 'RIVET_CONFIG_RANGE', 'chunk_count', 'must be between 1 and 1000000, got 0'],
    ['mode: chunked\nchunk_max_attempts: 101', 'RIVET_CONFIG_RANGE', 'chunk_max_attempts', 'must be between 1 and 100'],
    ['mode: chunked\nchunk_column: d\nchunk_by_days: 3651', 'RIVET_CONFIG_RANGE', 'chunk_by_days', 'must be between 1 and 3650'],
    ['mode: time_window\ntime_column: t\ndays_window: 36501', 'RIVET_CONFIG_RANGE', 'days_window', 'must be between 1 and 36500'],
    ['mode: time_window\ntime_column: t\ndays_window: 1\ntime_column_type: unixx', 'RIVET_CONFIG_ENUM', 'time_column_type', 'did you mean unix?'],
    ['mode: incremental\ncursor_column: id\nincremental_cursor_mode: coalese', 'RIVET_CONFIG_ENUM', 'incremental_cursor_mode', 'did you mean coalesce?'],
    ['mode: incremental\ncursor_column: id\ncursor_overlap: -1', 'RIVET_CONFIG_RANGE', 'cursor_overlap', 'must be at least 0, got -1'],
    ['mode: incremental\ncursor_column: id\ncursor_overlap: 15x', 'RIVET_CONFIG_FORMAT', 'cursor_overlap', "'15x' is not a duration"],
    ['mode: incremental\ncursor_column: id\ncursor_overlap: 1.5h', 'RIVET_CONFIG_FORMAT', 'cursor_overlap', "'1.5h' is not a duration"],
    ['mode: incremental\ncursor_column: id\ncursor_overlap: true', 'RIVET_CONFIG_TYPE', 'cursor_overlap', 'must be a number or a duration, got true/false'],
    ['mode: incremental\ncursor_column: ""', 'RIVET_CONFIG_FORMAT', 'cursor_column', 'the column name is empty'],
    ['mode: incremental\ncursor_column: 5', 'RIVET_CONFIG_TYPE', 'cursor_column', 'must be a column name, got a number'],
    ['mode: incremental\ncursor_column: id\nunique_key: []', 'RIVET_CONFIG_RANGE', 'unique_key', 'must have at least 1 entry'],
    ['mode: incremental\ncursor_column: id\nunique_key: id', 'RIVET_CONFIG_TYPE', 'unique_key', 'must be a list, got a string'],
    ['mode: incremental\ncursor_column: id\nunique_key: [tenant, id, tenant]', 'RIVET_CONFIG_FORMAT', 'unique_key[2]', "'tenant' repeats exports[0].unique_key[0]"],
    ['meta_columns: { row_hash: id }', 'RIVET_CONFIG_TYPE', 'meta_columns.row_hash', 'must be true or false or a list, got a string'],
    ['meta_columns: { row_hash: [a, a] }', 'RIVET_CONFIG_FORMAT', 'meta_columns.row_hash[1]', "'a' repeats exports[0].meta_columns.row_hash[0]"],
    ['meta_columns: { row_hash: [] }', 'RIVET_CONFIG_RANGE', 'meta_columns.row_hash', 'must have at least 1 entry'],
  ])('%j → %s at %s', (keys, code, key, text) => {
    const issue = onlyIssue(keys)
    expect(issue).toMatchObject({ code, path: `exports[0].${key}` })
    expect(issue.message).toContain(text)
    expect(issue.hint).toBeTruthy()
  })

  it('parses durations', () => {
    expect(['45s', '15m', ' 2h ', '1d'].map(parseDuration)).toEqual([45, 900, 7200, 86_400])
    expect(['15', 'm', '1w', '-1m', '1.5h', ''].map(parseDuration)).toEqual([null, null, null, null, null, null])
  })
})

describe('unknown keys near the mode keys', () => {
  it.each([
    ['chunk_colum: id', 'chunk_colum', 'did you mean chunk_column?'],
    ['cursor_colum: id', 'cursor_colum', 'did you mean cursor_column?'],
    ['days_windw: 3', 'days_windw', 'did you mean days_window?'],
    ['exported_at: true', 'exported_at', 'did you mean meta_columns.exported_at?'],
    ['meta_columns: { row_hsh: true }', 'meta_columns.row_hsh', 'did you mean row_hash?'],
  ])('%j suggests the real key', (keys, key, suggestion) => {
    const issue = onlyIssue(keys)
    expect(issue).toMatchObject({ code: 'RIVET_CONFIG_UNKNOWN_KEY', path: `exports[0].${key}` })
    expect(issue.message).toBe(`exports[0].${key} is not a known key — ${suggestion}`)
  })
})
