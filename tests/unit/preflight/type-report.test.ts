import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../../src/errors/index.js'
import { BIGQUERY_RULES, bigQueryTypeOf, fitsBignumeric, fitsNumeric } from '../../../src/preflight/bigquery-types.js'
import {
  bigQueryRecoverySql, buildTypeReport, parquetTypeOf, renderTypeReportText, strictViolations, typeFidelityError, typeReportExitCode, typeReportJson,
  type UnsupportedColumn,
} from '../../../src/preflight/type-report.js'
import type { ColumnSpec, RivetType, TypeFidelity } from '../../../src/types/index.js'

const col = (name: string, type: RivetType, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({
  name, type, nullable: true, sourceType: extra.sourceType ?? name, decoder: 'test', fidelity: 'exact' as TypeFidelity, ...extra,
})
const dec = (precision: number, scale: number): RivetType => ({ kind: 'decimal', precision, scale })

/** One column of every RivetType kind, with what the report must say about it. */
const EVERY_KIND: readonly [ColumnSpec, string, string, string, string | null, string, string][] = [
  // column, rivet, arrow, parquet physical, parquet logical, bigquery loaded, bigquery expected
  [col('b', { kind: 'bool' }), 'bool', 'Bool', 'BOOLEAN', null, 'BOOL', 'BOOL'],
  [col('i8', { kind: 'int', bits: 8, signed: true }), 'int8', 'Int8', 'INT32', 'INTEGER(8, signed)', 'INT64', 'INT64'],
  [col('i16', { kind: 'int', bits: 16, signed: true }), 'int16', 'Int16', 'INT32', 'INTEGER(16, signed)', 'INT64', 'INT64'],
  [col('i32', { kind: 'int', bits: 32, signed: true }), 'int32', 'Int32', 'INT32', null, 'INT64', 'INT64'],
  [col('i64', { kind: 'int', bits: 64, signed: true }), 'int64', 'Int64', 'INT64', null, 'INT64', 'INT64'],
  [col('u8', { kind: 'int', bits: 8, signed: false }), 'uint8', 'Uint8', 'INT32', 'INTEGER(8, unsigned)', 'INT64', 'INT64'],
  [col('u16', { kind: 'int', bits: 16, signed: false }), 'uint16', 'Uint16', 'INT32', 'INTEGER(16, unsigned)', 'INT64', 'INT64'],
  [col('u32', { kind: 'int', bits: 32, signed: false }), 'uint32', 'Uint32', 'INT32', 'INTEGER(32, unsigned)', 'INT64', 'INT64'],
  [col('u64', { kind: 'int', bits: 64, signed: false }), 'uint64', 'Uint64', 'INT64', 'INTEGER(64, unsigned)', 'INT64', 'NUMERIC'],
  [col('f32', { kind: 'float', bits: 32 }), 'float32', 'Float32', 'FLOAT', null, 'FLOAT64', 'FLOAT64'],
  [col('f64', { kind: 'float', bits: 64 }), 'float64', 'Float64', 'DOUBLE', null, 'FLOAT64', 'FLOAT64'],
  [col('d', dec(12, 2)), 'decimal(12,2)', 'Decimal[12e+2]', 'INT64', 'DECIMAL(12,2)', 'NUMERIC', 'NUMERIC'],
  [col('s', { kind: 'utf8' }), 'utf8', 'Utf8', 'BYTE_ARRAY', 'STRING', 'STRING', 'STRING'],
  [col('bin', { kind: 'binary' }), 'binary', 'Binary', 'BYTE_ARRAY', null, 'BYTES', 'BYTES'],
  [col('u', { kind: 'uuid' }), 'uuid', 'FixedSizeBinary[16] (arrow.uuid)', 'FIXED_LEN_BYTE_ARRAY(16)', 'UUID', 'BYTES', 'STRING'],
  [col('j', { kind: 'json' }), 'json', 'Utf8 (arrow.json)', 'BYTE_ARRAY', 'JSON', 'BYTES', 'JSON'],
  [col('dt', { kind: 'date' }), 'date32', 'Date32<DAY>', 'INT32', 'DATE', 'DATE', 'DATE'],
  [col('tm', { kind: 'time' }), 'time64[us]', 'Time64<MICROSECOND>', 'INT64', 'TIME(MICROS, isAdjustedToUTC=false)', 'TIME', 'TIME'],
  [col('ts', { kind: 'timestamp', tz: 'UTC' }), 'timestamp[us, UTC]', 'Timestamp<MICROSECOND, UTC>', 'INT64', 'TIMESTAMP(MICROS, isAdjustedToUTC=true)', 'TIMESTAMP', 'TIMESTAMP'],
  [col('tsn', { kind: 'timestamp', tz: null }), 'timestamp[us]', 'Timestamp<MICROSECOND>', 'INT64', 'TIMESTAMP(MICROS, isAdjustedToUTC=false)', 'TIMESTAMP', 'DATETIME'],
  [col('li', { kind: 'list', item: { kind: 'int', bits: 32, signed: true } }), 'list<int32>', 'List<Int32>', 'group', 'LIST<INT32>', 'ARRAY<STRUCT<item INT64>>', 'ARRAY<INT64>'],
  [col('ls', { kind: 'list', item: { kind: 'utf8' } }), 'list<utf8>', 'List<Utf8>', 'group', 'LIST<BYTE_ARRAY / STRING>', 'ARRAY<STRUCT<item STRING>>', 'ARRAY<STRING>'],
]

describe('buildTypeReport: one column of every Rivet type', () => {
  const report = buildTypeReport(EVERY_KIND.map((k) => k[0]), [], { target: 'bigquery', exportName: 'all' })

  it.each(EVERY_KIND.map((k, i) => [k[0].name, i] as const))('%s', (_name, i) => {
    const [spec, rivet, arrow, physical, logical, loaded, expected] = EVERY_KIND[i]!
    const row = report.columns[i]!
    expect(row.name).toBe(spec.name)
    expect(row.rivetType).toBe(rivet)
    expect(row.arrowType).toBe(arrow)
    expect(row.parquet).toEqual({ physical, logical })
    expect(row.bigquery?.loaded).toBe(loaded)
    expect(row.bigquery?.expected).toBe(expected)
  })

  it('covers every kind of RivetType and counts them', () => {
    const kinds = new Set(EVERY_KIND.map((k) => k[0].type.kind))
    expect([...kinds].sort()).toEqual(['binary', 'bool', 'date', 'decimal', 'float', 'int', 'json', 'list', 'time', 'timestamp', 'utf8', 'uuid'])
    expect(report.counts).toEqual({ exact: EVERY_KIND.length, compatible: 0, lossy: 0, unsupported: 0 })
  })

  it('only the unsigned 64-bit column loses information in BigQuery', () => {
    expect(report.columns.filter((c) => c.bigquery?.loss).map((c) => c.name)).toEqual(['u64'])
    expect(strictViolations(report).map((c) => c.name)).toEqual(['u64'])
  })

  it('gives recovery SQL exactly where the loaded type differs, except for uint64 (nothing recovers it)', () => {
    const differing = report.columns.filter((c) => c.bigquery!.loaded !== c.bigquery!.expected).map((c) => c.name)
    expect(differing).toEqual(['u64', 'u', 'j', 'tsn', 'li', 'ls'])
    expect(report.columns.filter((c) => c.bigquery!.recovery !== null).map((c) => c.name)).toEqual(['u', 'j', 'tsn', 'li', 'ls'])
  })

  it('without a target there are no BigQuery columns', () => {
    const plain = buildTypeReport([EVERY_KIND[0]![0]], [], { target: null })
    expect(plain.columns[0]!.bigquery).toBeNull()
    expect(plain.exportName).toBeNull()
  })
})

describe('decimals at the NUMERIC / BIGNUMERIC edges', () => {
  const cases: [number, number, string, string, boolean][] = [
    // precision, scale, loaded, expected, loss
    [38, 9, 'NUMERIC', 'NUMERIC', false],
    [29, 0, 'NUMERIC', 'NUMERIC', false],
    [9, 9, 'NUMERIC', 'NUMERIC', false],
    [30, 0, 'NUMERIC', 'BIGNUMERIC', false],
    [39, 9, 'NUMERIC', 'BIGNUMERIC', false],
    [38, 10, 'NUMERIC', 'BIGNUMERIC', false],
    [76, 38, 'NUMERIC', 'BIGNUMERIC', false],
    [38, 0, 'NUMERIC', 'BIGNUMERIC', false],
    [39, 0, 'NUMERIC', 'STRING', true],
    [76, 0, 'NUMERIC', 'STRING', true],
    [39, 39, 'NUMERIC', 'STRING', true],
  ]
  it.each(cases)('decimal(%i,%i) loads as %s, should be %s', (p, s, loaded, expected, loss) => {
    const bq = bigQueryTypeOf(col('n', dec(p, s)))
    expect({ loaded: bq.loaded, expected: bq.expected, loss: bq.loss }).toEqual({ loaded, expected, loss })
    expect(fitsNumeric(p, s)).toBe(expected === 'NUMERIC')
    expect(fitsBignumeric(p, s)).toBe(expected !== 'STRING')
    if (expected === 'BIGNUMERIC') expect(bq.note).toContain('--decimal_target_types=NUMERIC,BIGNUMERIC')
  })

  it('physical types follow the precision: INT32 ≤ 9, INT64 ≤ 18, then the fewest bytes', () => {
    const physical = (p: number) => parquetTypeOf(dec(p, 0)).physical
    expect([1, 9, 10, 18].map(physical)).toEqual(['INT32', 'INT32', 'INT64', 'INT64'])
    expect([19, 20, 38, 39, 65, 76].map(physical)).toEqual([9, 9, 16, 17, 28, 32].map((n) => `FIXED_LEN_BYTE_ARRAY(${n})`))
  })
})

describe('timestamps: UTC instants vs wall-clock values', () => {
  it('a UTC timestamp loads as TIMESTAMP with nothing to recover', () => {
    expect(bigQueryTypeOf(col('at', { kind: 'timestamp', tz: 'UTC' }))).toMatchObject({ expected: 'TIMESTAMP', loaded: 'TIMESTAMP', recovery: null, loss: false })
  })
  it('a wall-clock timestamp should be DATETIME; DATETIME(col) recovers it from the TIMESTAMP load', () => {
    expect(bigQueryTypeOf(col('local at', { kind: 'timestamp', tz: null }))).toMatchObject({ expected: 'DATETIME', loaded: 'TIMESTAMP', recovery: 'DATETIME(`local at`)', loss: false })
  })
})

describe('unsigned 64-bit integers', () => {
  const u64 = col('big', { kind: 'int', bits: 64, signed: false }, { sourceType: 'bigint(20) unsigned', decoder: 'mysql:int' })

  it('are exact in the files, but lossy in a BigQuery load: --strict --target bigquery fails, --strict alone passes', () => {
    expect(typeReportExitCode(buildTypeReport([u64], [], { target: 'bigquery' }), { strict: true })).toBe(1)
    expect(typeFidelityError(buildTypeReport([u64], [], { target: 'bigquery', exportName: 'e' }), { strict: true })!.items).toEqual([
      expect.objectContaining({ path: 'e.big', hint: expect.stringContaining('"decimal(20,0)"') }),
    ])
    expect(typeReportExitCode(buildTypeReport([u64], [], { target: null }), { strict: true })).toBe(0)
    expect(typeReportExitCode(buildTypeReport([u64], [], { target: 'bigquery' }), { strict: false })).toBe(0)
    const bq = bigQueryTypeOf(u64)
    expect(bq.recovery).toBeNull()
    expect(bq.note).toContain('columns: { "big": "decimal(20,0)" }')
  })

  it('exported as text they load as STRING and CAST back exactly', () => {
    const text = col('big', { kind: 'utf8' }, { sourceType: 'bigint(20) unsigned', fidelity: 'compatible', decoder: 'mysql:text' })
    expect(bigQueryTypeOf(text)).toMatchObject({ loaded: 'STRING', expected: 'NUMERIC', loss: false, recovery: 'CAST(`big` AS NUMERIC)' })
  })

  it('a decimal(20,0) override loads as NUMERIC', () => {
    expect(bigQueryTypeOf(col('big', dec(20, 0)))).toMatchObject({ loaded: 'NUMERIC', expected: 'NUMERIC', loss: false })
  })
})

describe('recovery SQL', () => {
  it('formats 16 UUID bytes as 8-4-4-4-12 text and parses JSON bytes', () => {
    expect(bigQueryTypeOf(col('id', { kind: 'uuid' })).recovery).toBe("REGEXP_REPLACE(TO_HEX(`id`), r'^(.{8})(.{4})(.{4})(.{4})(.{12})$', r'\\1-\\2-\\3-\\4-\\5')")
    expect(bigQueryTypeOf(col('doc', { kind: 'json' })).recovery).toBe('PARSE_JSON(SAFE_CONVERT_BYTES_TO_STRING(`doc`))')
  })

  it('a bare numeric exported as text SAFE_CASTs to BIGNUMERIC', () => {
    const text = col('amount', { kind: 'utf8' }, { sourceType: 'numeric', fidelity: 'compatible', decoder: 'cast:text' })
    expect(bigQueryTypeOf(text)).toMatchObject({ loaded: 'STRING', expected: 'BIGNUMERIC', recovery: 'SAFE_CAST(`amount` AS BIGNUMERIC)' })
  })

  it('lists flatten their item records in order and apply the item recovery', () => {
    const bq = bigQueryTypeOf(col('docs', { kind: 'list', item: { kind: 'json' } }))
    expect(bq.expected).toBe('ARRAY<JSON>')
    expect(bq.loaded).toBe('ARRAY<STRUCT<item BYTES>>')
    expect(bq.recovery).toBe('ARRAY(SELECT PARSE_JSON(SAFE_CONVERT_BYTES_TO_STRING(el.item)) FROM UNNEST(`docs`) AS el WITH OFFSET AS i ORDER BY i)')
    expect(bq.note).toContain('NULL')
  })

  it('quotes names and builds one CREATE TABLE … AS SELECT over the staging table', () => {
    const report = buildTypeReport([col('id', { kind: 'int', bits: 64, signed: true }), col('we`ird', { kind: 'json' })], [], { target: 'bigquery', exportName: 'orders' })
    expect(bigQueryRecoverySql(report)).toBe(
      ['CREATE OR REPLACE TABLE `<dataset>.orders` AS', 'SELECT', '  `id`,', '  PARSE_JSON(SAFE_CONVERT_BYTES_TO_STRING(`we\\`ird`)) AS `we\\`ird`', 'FROM `<dataset>.orders__staging`'].join('\n'),
    )
    expect(bigQueryRecoverySql(buildTypeReport([col('id', { kind: 'bool' })], [], { target: 'bigquery' }))).toBeNull()
  })
})

const bareNumeric: UnsupportedColumn = {
  name: 'amount', sourceType: 'numeric', position: 1, code: 'RIVET_TYPE_NUMERIC_UNBOUNDED',
  reason: 'column "amount" is numeric without precision and scale, so no exact decimal type fits every value',
  hint: 'add `columns: { "amount": "decimal(38,9)" }` with the precision and scale the data needs',
}

describe('fidelity levels and --strict', () => {
  /** A clean table: int, text, timestamptz, numeric(12,2), date, bool. */
  const clean = [
    col('id', { kind: 'int', bits: 32, signed: true }, { sourceType: 'integer', decoder: 'int4', nullable: false }),
    col('name', { kind: 'utf8' }, { sourceType: 'text', decoder: 'text' }),
    col('at', { kind: 'timestamp', tz: 'UTC' }, { sourceType: 'timestamp with time zone', decoder: 'timestamptz' }),
    col('price', dec(12, 2), { sourceType: 'numeric(12,2)', decoder: 'numeric' }),
    col('day', { kind: 'date' }, { sourceType: 'date', decoder: 'date' }),
    col('ok', { kind: 'bool' }, { sourceType: 'boolean', decoder: 'bool' }),
  ]

  it('a clean table passes --strict --target bigquery', () => {
    const report = buildTypeReport(clean, [], { target: 'bigquery', exportName: 'clean' })
    expect(report.counts).toEqual({ exact: 6, compatible: 0, lossy: 0, unsupported: 0 })
    expect(typeReportExitCode(report, { strict: true })).toBe(0)
    expect(typeFidelityError([report], { strict: true })).toBeNull()
  })

  it('a bare numeric is unsupported, listed at its source position, and fails --strict with RIVET_TYPE_FIDELITY', () => {
    const report = buildTypeReport(clean, [bareNumeric], { target: 'bigquery', exportName: 'orders' })
    expect(report.columns.map((c) => c.name)).toEqual(['id', 'amount', 'name', 'at', 'price', 'day', 'ok'])
    const amount = report.columns[1]!
    expect(amount).toMatchObject({ fidelity: 'unsupported', rivetType: null, parquet: null, bigquery: null, hint: bareNumeric.hint })
    expect(amount.reason).toContain('RIVET_TYPE_NUMERIC_UNBOUNDED')
    expect(report.counts.unsupported).toBe(1)
    expect(typeReportExitCode([report], { strict: true })).toBe(ERROR_CODES.RIVET_TYPE_FIDELITY.exit)
    expect(typeReportExitCode([report], { strict: false })).toBe(0)
    const err = typeFidelityError([report], { strict: true })!
    expect(err.code).toBe('RIVET_TYPE_FIDELITY')
    expect(err.exitCode).toBe(1)
    expect(err.items.map((i) => i.path)).toEqual(['orders.amount'])
    expect(err.items[0]!.hint).toBe(bareNumeric.hint)
    expect(err.message).toContain('orders.amount')
  })

  it('consecutive refused columns keep their source order between the written ones', () => {
    const at = (name: string, position: number): UnsupportedColumn => ({ ...bareNumeric, name, position })
    const report = buildTypeReport(clean.slice(0, 2), [at('c', 2), at('a', 0), at('b', 1)], { target: null })
    expect(report.columns.map((c) => c.name)).toEqual(['a', 'b', 'c', 'id', 'name'])
    const between = buildTypeReport(clean.slice(0, 2), [at('x', 1), at('y', 2)], { target: null })
    expect(between.columns.map((c) => c.name)).toEqual(['id', 'x', 'y', 'name'])
  })

  it('unsupported columns past the end (override keys naming no column) come last', () => {
    const stray: UnsupportedColumn = { ...bareNumeric, name: 'amout', sourceType: '(no such column)', position: 99, code: 'RIVET_TYPE_OVERRIDE_INVALID' }
    const report = buildTypeReport(clean.slice(0, 2), [stray, { ...bareNumeric, position: 0 }], { target: null })
    expect(report.columns.map((c) => c.name)).toEqual(['amount', 'id', 'name', 'amout'])
  })

  it('lossy overrides fail --strict; compatible ones pass', () => {
    const lossy = col('ratio', { kind: 'float', bits: 64 }, { sourceType: 'numeric(30,10)', decoder: 'cast:float8', fidelity: 'lossy' })
    const compatible = col('span', { kind: 'utf8' }, { sourceType: 'interval', decoder: 'interval', fidelity: 'compatible' })
    const report = buildTypeReport([lossy, compatible], [], { target: null })
    expect(report.counts).toEqual({ exact: 0, compatible: 1, lossy: 1, unsupported: 0 })
    expect(report.columns[0]!.reason).toContain('rounded to the nearest double')
    expect(report.columns[1]!.reason).toContain('ISO 8601')
    expect(strictViolations(report).map((c) => c.name)).toEqual(['ratio'])
    expect(typeReportExitCode(buildTypeReport([compatible], [], { target: 'bigquery' }), { strict: true })).toBe(0)
  })

  it('reasons name the data-dependent limits of exact mappings', () => {
    const report = buildTypeReport([
      col('d', { kind: 'date' }, { decoder: 'mysql:date' }),
      col('f', { kind: 'bool' }, { decoder: 'mysql:bool' }),
      col('t', { kind: 'timestamp', tz: null }, { decoder: 'timestamp' }),
      col('_rivet_exported_at', { kind: 'timestamp', tz: 'UTC' }, { decoder: 'meta' }),
    ], [], { target: null })
    expect(report.columns.map((c) => c.reason)).toEqual([
      'every value round-trips unchanged; MySQL zero dates are written as NULL',
      'every value round-trips unchanged; values other than 0 and 1 stop the export',
      'every value round-trips unchanged; infinity and -infinity stop the export',
      'added by meta_columns; written exactly',
    ])
  })
})

describe('renderers', () => {
  const report = buildTypeReport(
    [col('id', { kind: 'int', bits: 64, signed: true }, { sourceType: 'bigint' }), col('doc', { kind: 'json' }, { sourceType: 'jsonb' }), col('big', { kind: 'int', bits: 64, signed: false }, { sourceType: 'bigint unsigned' })],
    [bareNumeric],
    { target: 'bigquery', exportName: 'orders' },
  )

  it('text: an aligned table per export, notes, counts and the legend', () => {
    const text = renderTypeReportText([report, buildTypeReport([col('x', { kind: 'bool' })], [], { target: null, exportName: 'flags' })])
    const lines = text.split('\n')
    expect(lines[0]).toBe('export orders → bigquery')
    const table = lines.slice(1, 6)
    const at = (heading: string) => table[0]!.indexOf(heading)
    for (const heading of ['source type', 'rivet', 'arrow', 'parquet', 'fidelity', 'bigquery (loaded → expected)']) {
      expect(at(heading)).toBeGreaterThan(0)
    }
    // every row's fidelity starts in the fidelity column
    expect(table.slice(1).map((l) => l.slice(at('fidelity')).split(/\s+/)[0])).toEqual(['exact', 'unsupported', 'exact', 'exact'])
    expect(table[3]).toContain('BYTES → JSON')
    expect(text).toContain('    doc: BigQuery loads BYTES, expected JSON — recover with PARSE_JSON(SAFE_CONVERT_BYTES_TO_STRING(`doc`))')
    expect(text).toContain('    amount: unsupported: column "amount" is numeric without precision and scale')
    expect(text).toContain('    big: BigQuery loses information')
    expect(text).toContain('  3 exact · 0 compatible · 0 lossy · 1 unsupported; BigQuery: 1 column(s) need recovery SQL, 1 lose information on load')
    expect(text).toContain('FROM `<dataset>.orders__staging`')
    expect(text).toContain('export flags\n')
    expect(text).toContain('  1 exact · 0 compatible · 0 lossy · 0 unsupported\n')
    expect(text).toMatch(/^fidelity: exact = every value unchanged/m)
    expect(text.endsWith('\n')).toBe(true)
  })

  it('json: stable snake_case keys, nulls where nothing applies', () => {
    const json = typeReportJson([report]) as { exports: Record<string, unknown>[] }
    const [exp] = json.exports
    expect(Object.keys(exp!)).toEqual(['export', 'target', 'counts', 'strict_violations', 'columns', 'bigquery_recovery_sql'])
    expect(exp!.strict_violations).toEqual(['amount', 'big'])
    const columns = exp!.columns as Record<string, unknown>[]
    expect(Object.keys(columns[0]!)).toEqual([
      'name', 'source_type', 'rivet_type', 'arrow_type', 'parquet_physical_type', 'parquet_logical_type', 'nullable', 'fidelity', 'reason', 'hint', 'bigquery',
    ])
    expect(columns[1]).toMatchObject({ name: 'amount', fidelity: 'unsupported', rivet_type: null, parquet_physical_type: null, bigquery: null })
    expect(columns[2]!.bigquery).toEqual({
      expected_type: 'JSON', load_type: 'BYTES', loses_information: false,
      recovery_sql: 'PARSE_JSON(SAFE_CONVERT_BYTES_TO_STRING(`doc`))', note: expect.stringContaining('JSON annotation'),
    })
    expect(JSON.parse(JSON.stringify(json))).toEqual(json)
  })
})

describe('docs/type-report.md', () => {
  it('lists every row of the BigQuery mapping table', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../../docs/type-report.md'), 'utf8')
    for (const rule of BIGQUERY_RULES) expect(doc, rule.rivet).toContain(`| ${rule.rivet} |`)
  })
})
