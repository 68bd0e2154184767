import { describe, expect, it } from 'vitest'
import type { ColumnOverride } from '../../../src/config/index.js'
import { mapMysqlColumns, mysqlSelectExpression, type MysqlRawColumn } from '../../../src/source/mysql/index.js'
import { describeType, type ColumnSpec } from '../../../src/types/index.js'
import { caught } from '../../helpers/errors.js'

const col = (name: string, dataType: string, columnType = dataType, extra: Partial<MysqlRawColumn> = {}): MysqlRawColumn => ({
  name,
  dataType,
  columnType,
  nullable: true,
  numericPrecision: null,
  numericScale: null,
  datetimePrecision: null,
  characterSet: null,
  ...extra,
})
const utf8mb4 = { characterSet: 'utf8mb4' }

/** name → [Arrow-facing type, decoder, fidelity] */
function table(specs: ColumnSpec[]): Record<string, [string, string, string]> {
  return Object.fromEntries(specs.map((s) => [s.name, [describeType(s.type), s.decoder, s.fidelity]]))
}

describe('mapMysqlColumns', () => {
  it('maps every supported type', () => {
    const cols = [
      col('tiny1', 'tinyint', 'tinyint(1)'),
      col('boolean', 'boolean', 'tinyint(1)'),
      col('b1', 'bit', 'bit(1)', { numericPrecision: 1 }),
      col('bit_bare', 'bit', 'bit'),
      col('b12', 'bit', 'bit(12)', { numericPrecision: 12 }),
      col('b64', 'bit', 'bit(64)', { numericPrecision: 64 }),
      col('ti', 'tinyint', 'tinyint(4)'),
      col('si', 'smallint', 'smallint(6)'),
      col('mi', 'mediumint', 'mediumint(9)'),
      col('i', 'int', 'int(11)'),
      col('bi', 'bigint', 'bigint(20)'),
      col('tiu', 'tinyint', 'tinyint(3) unsigned'),
      col('siu', 'smallint', 'smallint(5) unsigned'),
      col('miu', 'mediumint', 'mediumint(8) unsigned'),
      col('iu', 'int', 'int unsigned'),
      col('iuz', 'int', 'int(10) unsigned zerofill'),
      col('biu', 'bigint', 'bigint(20) unsigned'),
      col('y', 'year', 'year(4)'),
      col('dec', 'decimal', 'decimal(18,4)', { numericPrecision: 18, numericScale: 4 }),
      col('dec65', 'decimal', 'decimal(65,30)', { numericPrecision: 65, numericScale: 30 }),
      col('decq', 'decimal', 'decimal(12,2)'),
      col('decbare', 'decimal', 'decimal'),
      col('num', 'numeric', 'decimal(10,0) unsigned', { numericPrecision: 10, numericScale: 0 }),
      col('f', 'float', 'float'),
      col('d', 'double', 'double'),
      col('r', 'real', 'double'),
      col('dt', 'date', 'date'),
      col('dtm', 'datetime', 'datetime(6)', { datetimePrecision: 6 }),
      col('ts', 'timestamp', 'timestamp(3)', { datetimePrecision: 3 }),
      col('tm', 'time', 'time(6)'),
      col('c', 'char', 'char(10)', utf8mb4),
      col('vc', 'varchar', 'varchar(255)', { characterSet: 'latin1' }),
      col('tt', 'tinytext', 'tinytext', utf8mb4),
      col('tx', 'text', 'text', utf8mb4),
      col('mt', 'mediumtext', 'mediumtext', utf8mb4),
      col('lt', 'longtext', 'longtext', utf8mb4),
      col('en', 'enum', "enum('a','b')", utf8mb4),
      col('st', 'set', "set('x','y')", utf8mb4),
      col('vcbin', 'varchar', 'varchar(10)', { characterSet: 'binary' }),
      col('bn', 'binary', 'binary(16)'),
      col('vb', 'varbinary', 'varbinary(64)'),
      col('tb', 'tinyblob', 'tinyblob'),
      col('bl', 'blob', 'blob'),
      col('mb', 'mediumblob', 'mediumblob'),
      col('lb', 'longblob', 'longblob'),
      col('j', 'json', 'json', utf8mb4),
      col('mariajson', 'longtext', 'longtext', utf8mb4),
      col('uu', 'uuid', 'uuid'),
      col('ip', 'inet6', 'inet6'),
    ]
    expect(table(mapMysqlColumns(cols))).toEqual({
      tiny1: ['bool', 'mysql:bool', 'exact'],
      boolean: ['bool', 'mysql:bool', 'exact'],
      b1: ['bool', 'mysql:bit-bool', 'exact'],
      bit_bare: ['bool', 'mysql:bit-bool', 'exact'],
      b12: ['int64', 'mysql:bit', 'exact'],
      b64: ['uint64', 'mysql:bit', 'exact'],
      ti: ['int8', 'mysql:int', 'exact'],
      si: ['int16', 'mysql:int', 'exact'],
      mi: ['int32', 'mysql:int', 'exact'],
      i: ['int32', 'mysql:int', 'exact'],
      bi: ['int64', 'mysql:int', 'exact'],
      tiu: ['uint8', 'mysql:int', 'exact'],
      siu: ['uint16', 'mysql:int', 'exact'],
      miu: ['uint32', 'mysql:int', 'exact'],
      iu: ['uint32', 'mysql:int', 'exact'],
      iuz: ['uint32', 'mysql:int', 'exact'],
      biu: ['uint64', 'mysql:int', 'exact'],
      y: ['int16', 'mysql:int', 'exact'],
      dec: ['decimal(18,4)', 'mysql:decimal', 'exact'],
      dec65: ['decimal(65,30)', 'mysql:decimal', 'exact'],
      decq: ['decimal(12,2)', 'mysql:decimal', 'exact'],
      decbare: ['decimal(10,0)', 'mysql:decimal', 'exact'],
      num: ['decimal(10,0)', 'mysql:decimal', 'exact'],
      f: ['float32', 'mysql:float', 'exact'],
      d: ['float64', 'mysql:double', 'exact'],
      r: ['float64', 'mysql:double', 'exact'],
      dt: ['date32', 'mysql:date', 'exact'],
      dtm: ['timestamp[us]', 'mysql:datetime', 'exact'],
      ts: ['timestamp[us, UTC]', 'mysql:datetime', 'exact'],
      tm: ['time64[us]', 'mysql:time', 'exact'],
      c: ['utf8', 'mysql:text', 'exact'],
      vc: ['utf8', 'mysql:text', 'exact'],
      tt: ['utf8', 'mysql:text', 'exact'],
      tx: ['utf8', 'mysql:text', 'exact'],
      mt: ['utf8', 'mysql:text', 'exact'],
      lt: ['utf8', 'mysql:text', 'exact'],
      en: ['utf8', 'mysql:text', 'compatible'],
      st: ['utf8', 'mysql:text', 'compatible'],
      vcbin: ['binary', 'mysql:binary', 'exact'],
      bn: ['binary', 'mysql:binary', 'exact'],
      vb: ['binary', 'mysql:binary', 'exact'],
      tb: ['binary', 'mysql:binary', 'exact'],
      bl: ['binary', 'mysql:binary', 'exact'],
      mb: ['binary', 'mysql:binary', 'exact'],
      lb: ['binary', 'mysql:binary', 'exact'],
      j: ['json', 'mysql:json', 'exact'],
      mariajson: ['utf8', 'mysql:text', 'exact'],
      uu: ['uuid', 'mysql:uuid', 'exact'],
      ip: ['utf8', 'mysql:text', 'compatible'],
    })
  })

  it('keeps names, nullability and the column type as the source type', () => {
    const [spec] = mapMysqlColumns([col('Amount', 'decimal', 'decimal(18,4) unsigned', { numericPrecision: 18, numericScale: 4, nullable: false })])
    expect(spec).toEqual({
      name: 'Amount',
      type: { kind: 'decimal', precision: 18, scale: 4 },
      nullable: false,
      sourceType: 'decimal(18,4) unsigned',
      decoder: 'mysql:decimal',
      fidelity: 'exact',
    })
  })

  it('refuses geometry and unknown types in one error listing every column, with a cast hint', () => {
    const err = caught(() => mapMysqlColumns([col('id', 'int'), col('shape', 'geometry'), col('pt', 'point'), col('v', 'vector', 'vector(3)')]))
    expect(err.code).toBe('RIVET_TYPE_UNSUPPORTED')
    expect(err.message).toContain('3 columns')
    expect(err.items.map((i) => [i.path, i.code])).toEqual([
      ['shape', 'RIVET_TYPE_UNSUPPORTED'],
      ['pt', 'RIVET_TYPE_UNSUPPORTED'],
      ['v', 'RIVET_TYPE_UNSUPPORTED'],
    ])
    expect(err.items[0].hint).toContain('ST_AsText(`shape`)')
    expect(err.items[2].hint).toContain('CAST(`v` AS CHAR)')
    expect(err.items[2].message).toContain('vector(3)')
  })

  it('reports a decimal of unknown precision as unbounded', () => {
    const err = caught(() => mapMysqlColumns([col('x', 'decimal', 'newdecimal')]))
    expect(err.code).toBe('RIVET_TYPE_NUMERIC_UNBOUNDED')
    expect(err.hint).toContain('decimal(38,9)')
  })
})

describe('mapMysqlColumns overrides', () => {
  const cols = [
    col('i', 'int', 'int(11)'),
    col('biu', 'bigint', 'bigint unsigned'),
    col('flag', 'tinyint', 'tinyint(1)'),
    col('dec', 'decimal', 'decimal(10,2)', { numericPrecision: 10, numericScale: 2 }),
    col('dec0', 'decimal', 'decimal(12,0)', { numericPrecision: 12, numericScale: 0 }),
    col('f', 'float', 'float'),
    col('d', 'double', 'double'),
    col('dt', 'date', 'date'),
    col('dtm', 'datetime', 'datetime'),
    col('ts', 'timestamp', 'timestamp'),
    col('tm', 'time', 'time'),
    col('s', 'varchar', 'varchar(36)', utf8mb4),
    col('doc', 'longtext', 'longtext', utf8mb4),
    col('bin', 'varbinary', 'varbinary(8)'),
    col('b16', 'binary', 'binary(16)'),
    col('b1', 'bit', 'bit(1)', { numericPrecision: 1 }),
    col('b12', 'bit', 'bit(12)', { numericPrecision: 12 }),
    col('shape', 'geometry', 'geometry'),
    col('odd', 'vector', 'vector(3)'),
    col('j', 'json', 'json'),
  ]
  const text: ColumnOverride = { kind: 'text' }
  // shape and odd have no natural mapping: every case overrides them
  const map = (overrides: Record<string, ColumnOverride>) =>
    table(mapMysqlColumns(cols, { shape: text, odd: text, ...overrides }).filter((s) => s.name in overrides))

  it('text: the server rendering, with a server-side rendering for bytes, bits, geometry and unknown types', () => {
    const names = cols.map((c) => c.name)
    const specs = mapMysqlColumns(cols, Object.fromEntries(names.map((n) => [n, text])))
    expect(specs.every((s) => s.type.kind === 'utf8')).toBe(true)
    expect(table(specs)).toMatchObject({
      i: ['utf8', 'mysql:text', 'compatible'],
      dec: ['utf8', 'mysql:text', 'compatible'],
      f: ['utf8', 'mysql:text-float', 'compatible'],
      tm: ['utf8', 'mysql:text', 'compatible'],
      s: ['utf8', 'mysql:text', 'exact'],
      bin: ['utf8', 'mysql:text-hex', 'compatible'],
      b1: ['utf8', 'mysql:text-bit', 'compatible'],
      b12: ['utf8', 'mysql:text-bit', 'compatible'],
      shape: ['utf8', 'mysql:text-wkt', 'compatible'],
      odd: ['utf8', 'mysql:text-char', 'compatible'],
      j: ['utf8', 'mysql:text', 'compatible'],
    })
    const byName = Object.fromEntries(specs.map((s) => [s.name, s]))
    expect(mysqlSelectExpression(byName.bin)).toBe('LOWER(HEX(`bin`)) AS `bin`')
    expect(mysqlSelectExpression(byName.b12)).toBe('CAST(`b12` AS UNSIGNED) AS `b12`')
    expect(mysqlSelectExpression(byName.shape)).toBe('ST_AsText(`shape`) AS `shape`')
    expect(mysqlSelectExpression(byName.odd)).toBe('CAST(`odd` AS CHAR) AS `odd`')
    expect(mysqlSelectExpression(byName.i)).toBe('`i`')
    // MariaDB prints FLOAT with 6 digits: the text override reads its double and prints the float32's shortest text
    expect(mysqlSelectExpression(byName.f)).toBe('`f` * 1e0 AS `f`')
  })

  it('selects FLOAT columns as a double so MariaDB does not round them to 6 digits', () => {
    const [f] = mapMysqlColumns([col('we`ird', 'float')])
    expect(mysqlSelectExpression(f)).toBe('`we``ird` * 1e0 AS `we``ird`')
  })

  it('json on json and text columns (MariaDB JSON is longtext)', () => {
    expect(map({ doc: { kind: 'json' }, j: { kind: 'json' } })).toEqual({
      doc: ['json', 'mysql:json-text', 'compatible'],
      j: ['json', 'mysql:json', 'exact'],
    })
  })

  it('decimal(p,s) on decimal, integer, text and float columns', () => {
    expect(map({ dec: { kind: 'decimal', precision: 38, scale: 6 }, i: { kind: 'decimal', precision: 10, scale: 0 }, s: { kind: 'decimal', precision: 20, scale: 4 }, d: { kind: 'decimal', precision: 30, scale: 10 }, f: { kind: 'decimal', precision: 12, scale: 6 } })).toEqual({
      dec: ['decimal(38,6)', 'mysql:decimal', 'exact'],
      i: ['decimal(10,0)', 'mysql:decimal', 'compatible'],
      s: ['decimal(20,4)', 'mysql:decimal', 'compatible'],
      d: ['decimal(30,10)', 'mysql:decimal', 'lossy'],
      f: ['decimal(12,6)', 'mysql:float', 'lossy'],
    })
  })

  it('int64, float64, bool, binary, uuid, timestamp, timestamp_tz and date', () => {
    expect(
      map({
        i: { kind: 'int64' },
        flag: { kind: 'int64' },
        dec0: { kind: 'int64' },
        b12: { kind: 'int64' },
        f: { kind: 'float64' },
        biu: { kind: 'float64' },
        d: { kind: 'float64' },
        doc: { kind: 'binary' },
        b16: { kind: 'uuid' },
        s: { kind: 'uuid' },
        b1: { kind: 'bool' },
        dtm: { kind: 'timestamp_tz' },
        ts: { kind: 'timestamp' },
        dt: { kind: 'timestamp' },
      }),
    ).toEqual({
      i: ['int64', 'mysql:int', 'compatible'],
      flag: ['int64', 'mysql:int', 'compatible'],
      dec0: ['int64', 'mysql:int', 'compatible'],
      b12: ['int64', 'mysql:bit', 'exact'],
      f: ['float64', 'mysql:float', 'compatible'],
      biu: ['float64', 'mysql:double-exact', 'compatible'],
      d: ['float64', 'mysql:double', 'exact'],
      doc: ['binary', 'mysql:binary', 'compatible'],
      b16: ['uuid', 'mysql:uuid-bin', 'compatible'],
      s: ['uuid', 'mysql:uuid', 'compatible'],
      b1: ['bool', 'mysql:bit-bool', 'exact'],
      dtm: ['timestamp[us, UTC]', 'mysql:datetime', 'compatible'],
      ts: ['timestamp[us]', 'mysql:datetime', 'compatible'],
      dt: ['timestamp[us]', 'mysql:datetime', 'compatible'],
    })
    expect(map({ i: { kind: 'bool' }, dtm: { kind: 'date' }, s: { kind: 'date' } })).toEqual({
      i: ['bool', 'mysql:bool', 'compatible'],
      dtm: ['date32', 'mysql:date', 'compatible'],
      s: ['date32', 'mysql:date', 'compatible'],
    })
  })

  it('refuses overrides that cannot apply, and keys naming no column with a suggestion, in one error', () => {
    const err = caught(() =>
      mapMysqlColumns(cols, {
        shape: { kind: 'json' },
        odd: text,
        tm: { kind: 'int64' },
        dec: { kind: 'decimal', precision: 80, scale: 2 },
        bin: { kind: 'uuid' },
        dtmm: { kind: 'text' },
        nothing_like_it: { kind: 'text' },
      }),
    )
    expect(err.code).toBe('RIVET_TYPE_OVERRIDE_INVALID')
    expect(err.items.map((i) => i.path)).toEqual(['dec', 'tm', 'bin', 'shape', 'dtmm', 'nothing_like_it'])
    expect(err.items.every((i) => i.code === 'RIVET_TYPE_OVERRIDE_INVALID')).toBe(true)
    expect(err.items[0].message).toContain('1 <= precision <= 76')
    expect(err.items[1].message).toContain('time')
    expect(err.items[4].message).toContain('did you mean "dtm"?')
    expect(err.items[5].message).not.toContain('did you mean')
  })

  it('reports a mix of problems as RIVET_TYPE_UNSUPPORTED, each item keeping its code', () => {
    const err = caught(() => mapMysqlColumns([col('g', 'geometry'), col('x', 'int')], { y: { kind: 'text' } }))
    expect(err.code).toBe('RIVET_TYPE_UNSUPPORTED')
    expect(err.items.map((i) => i.code)).toEqual(['RIVET_TYPE_UNSUPPORTED', 'RIVET_TYPE_OVERRIDE_INVALID'])
  })

  it('an override rescues an unsupported column', () => {
    expect(table(mapMysqlColumns([col('g', 'geometry')], { g: text }))).toEqual({ g: ['utf8', 'mysql:text-wkt', 'compatible'] })
  })
})
