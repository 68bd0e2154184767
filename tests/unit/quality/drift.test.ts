import { describe, expect, it } from 'vitest'
import type { ResolvedExport } from '../../../src/config/index.js'
import { isRivetError } from '../../../src/errors/index.js'
import { checkQualityColumns, describeDrift, describeShapeGrowth, diffSchema, schemaDriftError, shapeGrowth } from '../../../src/quality/index.js'
import type { ResolvedQuality } from '../../../src/quality/index.js'
import type { SchemaColumnRecord } from '../../../src/state/index.js'
import { col, INT64, TEXT } from './batches.js'

const c = (name: string, type: string, sourceType: string, nullable = true): SchemaColumnRecord => ({ name, type, sourceType, nullable })
const BASE = [c('id', 'int64', 'bigint', false), c('email', 'utf8', 'varchar(255)'), c('total', 'decimal(10,2)', 'numeric(10,2)'), c('legacy', 'int32', 'integer')]

describe('diffSchema', () => {
  it('lists added, removed and retyped columns against the baseline run', () => {
    const now = [c('id', 'int64', 'bigint', false), c('email', 'utf8', 'text'), c('total', 'decimal(12,2)', 'numeric(12,2)'), c('note', 'utf8', 'text')]
    expect(diffSchema(BASE, 'run-1', now)).toEqual({
      baselineRunId: 'run-1',
      added: [{ name: 'note', type: 'utf8', sourceType: 'text' }],
      removed: [{ name: 'legacy', type: 'int32', sourceType: 'integer' }],
      retyped: [
        { name: 'email', from: { type: 'utf8', sourceType: 'varchar(255)' }, to: { type: 'utf8', sourceType: 'text' } },
        { name: 'total', from: { type: 'decimal(10,2)', sourceType: 'numeric(10,2)' }, to: { type: 'decimal(12,2)', sourceType: 'numeric(12,2)' } },
      ],
    })
  })

  it('is null when only the order of the columns or their nullability changed', () => {
    expect(diffSchema(BASE, 'run-1', [...BASE].reverse().map((x) => ({ ...x, nullable: !x.nullable })))).toBeNull()
  })

  it('describes each change on one line, and schemaDriftError is RIVET_SCHEMA_DRIFT (exit 4) listing them', () => {
    const drift = diffSchema(BASE, 'run-1', [BASE[0], BASE[1], c('total', 'float64', 'double precision'), c('note', 'utf8', 'text')])!
    const lines = describeDrift(drift)
    expect(lines).toEqual([
      'column note added: utf8 (source text)',
      'column legacy removed: int32 (source integer)',
      'column total changed type: decimal(10,2) (source numeric(10,2)) → float64 (source double precision)',
    ])
    const err = schemaDriftError('orders', drift)
    expect(err.code).toBe('RIVET_SCHEMA_DRIFT')
    expect(err.exitCode).toBe(4)
    expect(err.message).toBe(`export orders: the columns changed since run run-1: ${lines.join('; ')}`)
    expect(err.hint).toMatch(/on_schema_drift: warn/)
  })
})

describe('shapeGrowth', () => {
  const previous = { email: 40, doc: 1000, empty: 0 }

  it('reports a column whose largest value grew past factor × the previous one', () => {
    const growth = shapeGrowth(previous, 'run-7', { email: 81, doc: 2000, empty: 50, fresh: 9000 }, 2)
    expect(growth).toEqual([{ column: 'email', previousMaxBytes: 40, maxBytes: 81, factor: 81 / 40, baselineRunId: 'run-7' }])
    expect(describeShapeGrowth(growth[0])).toBe('the largest value of email grew 2.0× since run run-7: 40 → 81 bytes')
  })

  it('reports nothing with factor 0 or without a previous run', () => {
    expect(shapeGrowth(previous, 'run-7', { email: 10_000 }, 0)).toEqual([])
    expect(shapeGrowth(null, 'run-7', { email: 10_000 }, 2)).toEqual([])
  })

  it('takes fractional factors', () => {
    expect(shapeGrowth(previous, 'run-7', { doc: 1600 }, 1.5).map((g) => g.column)).toEqual(['doc'])
  })
})

describe('checkQualityColumns', () => {
  const columns = [col('id', INT64), col('email', TEXT), col('tenant_id', INT64)]
  const exp = (quality: ResolvedQuality | null) => ({ name: 'orders', table: { schema: 'public', name: 'orders' }, quality }) as unknown as ResolvedExport
  const q = (nullRatioMax: Record<string, number>, uniqueColumns: string[][]): ResolvedQuality => ({ rowCountMin: null, rowCountMax: null, nullRatioMax, uniqueColumns, uniqueMaxEntries: null })

  it('accepts rules naming returned columns, and an export without quality', () => {
    expect(() => checkQualityColumns(exp(q({ email: 0.1 }, [['id'], ['tenant_id', 'email']])), columns)).not.toThrow()
    expect(() => checkQualityColumns(exp(null), [])).not.toThrow()
  })

  it('refuses unknown columns with RIVET_PLAN_UNKNOWN_COLUMN, a did-you-mean and the column list', () => {
    try {
      checkQualityColumns(exp(q({ emial: 0.1 }, [['tenant_id', 'Id']])), columns)
      expect.unreachable()
    } catch (err) {
      if (!isRivetError(err)) throw err
      expect(err.code).toBe('RIVET_PLAN_UNKNOWN_COLUMN')
      expect(err.message).toBe('export orders: quality.null_ratio_max names column "emial", which the table does not return — did you mean email?; quality.unique_columns names column "Id", which the table does not return — did you mean id?')
      expect(err.hint).toBe('columns are: id, email, tenant_id')
    }
  })
})
