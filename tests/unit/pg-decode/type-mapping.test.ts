import { describe, expect, it } from 'vitest'
import { mapPgColumns, pgSelectExpression, type PgRawColumn } from '../../../src/source/pg/types/index.js'
import { caught } from '../../helpers/errors.js'

/** numeric typmod for (p,s) as PostgreSQL encodes it. */
const nt = (p: number, s: number) => ((p << 16) | (s & 0x7ff)) + 4

const col = (name: string, typeOid: number, typname: string, extra: Partial<PgRawColumn> = {}): PgRawColumn => ({
  name,
  typeOid,
  typmod: -1,
  typname,
  typtype: 'b',
  typcategory: 'X',
  notNull: false,
  formattedType: typname,
  ...extra,
})

const arr = (name: string, elemOid: number, elemName: string, extra: Partial<PgRawColumn> = {}) =>
  col(name, 1000 + elemOid, `_${elemName}`, { typcategory: 'A', elemTypeOid: elemOid, elemTypname: elemName, elemTyptype: 'b', formattedType: `${elemName}[]`, ...extra })


describe('mapPgColumns', () => {
  it('maps every supported scalar', () => {
    const cols = [
      col('b', 16, 'bool'),
      col('i2', 21, 'int2'),
      col('i4', 23, 'int4', { notNull: true }),
      col('i8', 20, 'int8'),
      col('o', 26, 'oid'),
      col('f4', 700, 'float4'),
      col('f8', 701, 'float8'),
      col('n', 1700, 'numeric', { typmod: nt(18, 4), formattedType: 'numeric(18,4)' }),
      col('nw', 1700, 'numeric', { typmod: nt(60, 5) }),
      col('t', 25, 'text'),
      col('vc', 1043, 'varchar'),
      col('bp', 1042, 'bpchar'),
      col('nm', 19, 'name'),
      col('ch', 18, 'char'),
      col('x', 142, 'xml'),
      col('ci', 91234, 'citext'),
      col('by', 17, 'bytea'),
      col('d', 1082, 'date'),
      col('tm', 1083, 'time'),
      col('ttz', 1266, 'timetz'),
      col('ts', 1114, 'timestamp'),
      col('tstz', 1184, 'timestamptz'),
      col('u', 2950, 'uuid'),
      col('j', 114, 'json'),
      col('jb', 3802, 'jsonb'),
      col('iv', 1186, 'interval'),
      col('e', 91235, 'mood', { typtype: 'e' }),
      col('ip', 869, 'inet'),
      col('cidr', 650, 'cidr'),
      col('mac', 829, 'macaddr'),
      col('mac8', 774, 'macaddr8'),
    ]
    const specs = mapPgColumns(cols, {})
    const byName = Object.fromEntries(specs.map((s) => [s.name, s]))
    expect(byName.i4).toMatchObject({ type: { kind: 'int', bits: 32, signed: true }, nullable: false, decoder: 'int4', fidelity: 'exact' })
    expect(byName.o.type).toEqual({ kind: 'int', bits: 32, signed: false })
    expect(byName.n).toMatchObject({ type: { kind: 'decimal', precision: 18, scale: 4 }, decoder: 'numeric', sourceType: 'numeric(18,4)' })
    expect(byName.nw.type).toEqual({ kind: 'decimal', precision: 60, scale: 5 })
    for (const n of ['t', 'vc', 'bp', 'nm', 'x', 'ci']) expect(byName[n]).toMatchObject({ type: { kind: 'utf8' }, decoder: 'text', fidelity: 'exact' })
    expect(byName.ch.decoder).toBe('char')
    for (const n of ['ttz', 'iv', 'e', 'ip', 'cidr', 'mac', 'mac8']) expect(byName[n]).toMatchObject({ type: { kind: 'utf8' }, fidelity: 'compatible' })
    expect(byName.ts.type).toEqual({ kind: 'timestamp', tz: null })
    expect(byName.tstz.type).toEqual({ kind: 'timestamp', tz: 'UTC' })
    expect(byName.jb).toMatchObject({ type: { kind: 'json' }, decoder: 'jsonb' })
    expect(byName.u.type).toEqual({ kind: 'uuid' })
    expect(specs.map((s) => s.name)).toEqual(cols.map((c) => c.name))
  })

  it('maps numeric with negative scale or scale above precision to an exact decimal', () => {
    const [a, b] = mapPgColumns([col('a', 1700, 'numeric', { typmod: nt(5, -2) }), col('b', 1700, 'numeric', { typmod: nt(3, 5) })], {})
    expect(a.type).toEqual({ kind: 'decimal', precision: 7, scale: 0 })
    expect(b.type).toEqual({ kind: 'decimal', precision: 5, scale: 5 })
  })

  it('maps one-dimensional arrays to lists, including numeric(p,s)[] and enum[]', () => {
    const specs = mapPgColumns(
      [arr('ia', 23, 'int4'), arr('na', 1700, 'numeric', { typmod: nt(10, 2) }), arr('ea', 91235, 'mood', { elemTyptype: 'e' })],
      {},
    )
    expect(specs[0]).toMatchObject({ type: { kind: 'list', item: { kind: 'int', bits: 32 } }, decoder: 'array', itemDecoder: 'int4' })
    expect(specs[1]).toMatchObject({ type: { kind: 'list', item: { kind: 'decimal', precision: 10, scale: 2 } }, itemDecoder: 'numeric' })
    expect(specs[2]).toMatchObject({ type: { kind: 'list', item: { kind: 'utf8' } }, itemDecoder: 'text' })
  })

  it('resolves domains to their base type (typmod from the domain)', () => {
    const [d, da] = mapPgColumns(
      [
        col('d', 90001, 'money_amount', { typtype: 'd', baseTypeOid: 1700, baseTypname: 'numeric', baseTyptype: 'b', baseTypcategory: 'N', baseTypmod: nt(12, 2) }),
        col('da', 90002, 'int_list', { typtype: 'd', baseTypeOid: 1007, baseTypname: '_int4', baseTyptype: 'b', baseTypcategory: 'A', elemTypeOid: 23, elemTypname: 'int4' }),
      ],
      {},
    )
    expect(d.type).toEqual({ kind: 'decimal', precision: 12, scale: 2 })
    expect(d.decoder).toBe('numeric')
    expect(da).toMatchObject({ type: { kind: 'list', item: { kind: 'int', bits: 32 } }, itemDecoder: 'int4' })
  })

  it('reports every unsupported column in one error with one item each', () => {
    const err = caught(() =>
      mapPgColumns(
        [col('ok', 23, 'int4'), col('m', 790, 'money'), col('p', 600, 'point'), col('r', 3904, 'int4range', { typtype: 'r' }), arr('pa', 600, 'point'), col('w', 1700, 'numeric', { typmod: nt(100, 2) })],
        {},
      ),
    )
    expect(err.code).toBe('RIVET_TYPE_UNSUPPORTED')
    expect(err.items.map((i) => i.path)).toEqual(['m', 'p', 'r', 'pa', 'w'])
    expect(err.items.every((i) => i.code === 'RIVET_TYPE_UNSUPPORTED')).toBe(true)
    expect(err.items[0].message).toContain('money')
    expect(err.items[3].message).toContain('point[]')
    expect(err.items[4].hint).toContain('decimal(76,2)')
    expect(err.message).toContain('5 columns')
  })

  it('reports bare numeric as RIVET_TYPE_NUMERIC_UNBOUNDED with the override to use', () => {
    const err = caught(() => mapPgColumns([col('a', 1700, 'numeric'), arr('b', 1700, 'numeric')], {}))
    expect(err.code).toBe('RIVET_TYPE_NUMERIC_UNBOUNDED')
    expect(err.items.map((i) => i.path)).toEqual(['a', 'b'])
    expect(err.items[0].hint).toContain('decimal(38,9)')
  })

  it('reports unbounded and unsupported columns together under RIVET_TYPE_UNSUPPORTED', () => {
    const err = caught(() => mapPgColumns([col('a', 1700, 'numeric'), col('m', 790, 'money')], {}))
    expect(err.code).toBe('RIVET_TYPE_UNSUPPORTED')
    expect(err.items.map((i) => [i.path, i.code])).toEqual([
      ['a', 'RIVET_TYPE_NUMERIC_UNBOUNDED'],
      ['m', 'RIVET_TYPE_UNSUPPORTED'],
    ])
  })

  it('applies overrides: decimal on numeric decodes natively, checked conversions run in Rivet, the rest cast in the SELECT', () => {
    const specs = mapPgColumns(
      [col('n', 1700, 'numeric'), arr('na', 1700, 'numeric'), col('m', 790, 'money'), col('p', 600, 'point'), col('i', 23, 'int4'), col('f', 701, 'float8'), col('t', 25, 'text'), col('jb', 3802, 'jsonb'), col('w', 1700, 'numeric', { typmod: nt(100, 2) })],
      {
        n: { kind: 'decimal', precision: 20, scale: 4 },
        na: { kind: 'decimal', precision: 10, scale: 2 },
        m: { kind: 'decimal', precision: 18, scale: 2 },
        p: { kind: 'text' },
        i: { kind: 'int64' },
        f: { kind: 'int64' },
        t: { kind: 'text' },
        jb: { kind: 'json' },
        w: { kind: 'text' },
      },
    )
    const by = Object.fromEntries(specs.map((s) => [s.name, s]))
    expect(by.n).toMatchObject({ type: { kind: 'decimal', precision: 20, scale: 4 }, decoder: 'numeric', fidelity: 'exact' })
    expect(by.na).toMatchObject({ type: { kind: 'list', item: { kind: 'decimal', precision: 10, scale: 2 } }, itemDecoder: 'numeric' })
    expect(by.m).toMatchObject({ decoder: 'cast:numeric', type: { kind: 'decimal', precision: 18, scale: 2 } })
    expect(by.p).toMatchObject({ decoder: 'cast:text', type: { kind: 'utf8' } })
    expect(by.i).toMatchObject({ decoder: 'cast:int8', fidelity: 'compatible' })
    // float8 -> int64 would round in a cast: the value is read as float8 and checked instead
    expect(by.f).toMatchObject({ decoder: 'via:float8', fidelity: 'compatible', override: 'int64' })
    expect(pgSelectExpression(by.f)).toBe('"f"')
    expect(by.t.decoder).toBe('text')
    expect(by.jb.decoder).toBe('jsonb')
    expect(by.w.decoder).toBe('cast:text')
    expect(pgSelectExpression(by.p)).toBe('"p"::text')
    expect(pgSelectExpression({ name: 'we"ird', decoder: 'cast:numeric' })).toBe('"we""ird"::numeric')
    expect(pgSelectExpression(by.n)).toBe('"n"')
  })

  it('rejects invalid overrides and overrides naming no column', () => {
    const err = caught(() =>
      mapPgColumns([col('amount', 1700, 'numeric'), arr('ia', 23, 'int4')], {
        amount: { kind: 'decimal', precision: 80, scale: 2 },
        ia: { kind: 'int64' },
        amuont: { kind: 'text' },
      }),
    )
    expect(err.code).toBe('RIVET_TYPE_OVERRIDE_INVALID')
    expect(err.items.map((i) => i.path)).toEqual(['amount', 'ia', 'amuont'])
    expect(err.items[2].message).toContain('did you mean "amount"')
  })
})
