import { describe, expect, it } from 'vitest'
import type { ColumnOverride } from '../../../src/config/index.js'
import { mapMysqlColumns, type MysqlRawColumn } from '../../../src/source/mysql/index.js'

const notNull = (name: string, dataType: string, columnType = dataType): MysqlRawColumn => ({
  name,
  dataType,
  columnType,
  nullable: false,
  numericPrecision: null,
  numericScale: null,
  datetimePrecision: null,
  characterSet: dataType === 'varchar' ? 'utf8mb4' : null,
})

const nullability = (cols: MysqlRawColumn[], overrides: Record<string, ColumnOverride> = {}) =>
  Object.fromEntries(mapMysqlColumns(cols, overrides).map((s) => [s.name, s.nullable]))

describe('nullability of NOT NULL columns that can hold zero dates', () => {
  it('declares date, datetime and timestamp columns nullable: their zero dates are written as NULL', () => {
    const cols = [notNull('d', 'date'), notNull('dt', 'datetime', 'datetime(6)'), notNull('ts', 'timestamp'), notNull('t', 'time'), notNull('n', 'int', 'int(11)')]
    expect(nullability(cols)).toEqual({ d: true, dt: true, ts: true, t: false, n: false })
  })

  it('does the same for overrides read by the date and datetime decoders, and keeps NOT NULL on text overrides', () => {
    const cols = [notNull('s', 'varchar', 'varchar(20)'), notNull('dt', 'datetime'), notNull('d', 'date')]
    expect(nullability(cols, { s: { kind: 'date' }, dt: { kind: 'date' }, d: { kind: 'text' } })).toEqual({ s: true, dt: true, d: false })
  })
})
