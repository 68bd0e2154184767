import { toArrowType } from '../arrow/schema.js'
import { RivetError, type ErrorCode, type ErrorItem } from '../errors/index.js'
import { describeType, type ColumnSpec, type RivetType, type TypeFidelity } from '../types/index.js'
import { BIGQUERY_LOAD_COMMAND, bigQueryTypeOf, quoteBigQueryIdent, type BigQueryColumnType } from './bigquery-types.js'

/** A column's fidelity in the report: the source mapping's, or `unsupported` when `rivet run` refuses it. */
export type ReportFidelity = TypeFidelity | 'unsupported'

/** Warehouses the report can judge the load into. */
export type TypeReportTarget = 'bigquery'

/** A column `rivet run` would refuse, with the reason and the suggested fix from the source's type mapping. */
export interface UnsupportedColumn {
  readonly name: string
  /** The source's spelling of the type; `(no such column)` for an override naming no column. */
  readonly sourceType: string
  /** Index among the source's columns, so the report lists it in place. */
  readonly position: number
  readonly code: ErrorCode
  readonly reason: string
  /** The suggested override or cast, or null. */
  readonly hint: string | null
}

/** The Parquet type of a column: physical type and logical annotation (lists: `group` and `LIST<item>`). */
export interface ParquetColumnType {
  readonly physical: string
  readonly logical: string | null
}

/** One line of the report. Type fields are null for unsupported columns: nothing is written. */
export interface TypeReportColumn {
  readonly name: string
  readonly sourceType: string
  readonly rivetType: string | null
  readonly arrowType: string | null
  readonly parquet: ParquetColumnType | null
  readonly nullable: boolean | null
  readonly fidelity: ReportFidelity
  /** One sentence: why the column has this fidelity. */
  readonly reason: string
  /** What to do about it (the override to add), or null. */
  readonly hint: string | null
  /** With target bigquery: what the load gives and how to get the expected type. */
  readonly bigquery: BigQueryColumnType | null
}

/** The type report of one export. */
export interface TypeReport {
  readonly exportName: string | null
  readonly target: TypeReportTarget | null
  readonly columns: readonly TypeReportColumn[]
  readonly counts: Readonly<Record<ReportFidelity, number>>
}

/** What buildTypeReport judges the columns against, and the export they belong to. */
export interface TypeReportOptions {
  readonly target: TypeReportTarget | null
  readonly exportName?: string
}

const FIDELITIES: readonly ReportFidelity[] = ['exact', 'compatible', 'lossy', 'unsupported']

/**
 * The report of an export's output columns (as describeExportColumns returns them, meta columns
 * included) and the columns `rivet run` would refuse, listed at their source position.
 */
export function buildTypeReport(columns: readonly ColumnSpec[], unsupported: readonly UnsupportedColumn[], options: TypeReportOptions): TypeReport {
  const pending = [...unsupported].sort((a, b) => a.position - b.position)
  const rows: TypeReportColumn[] = []
  let next = 0
  // a refused column goes where its position says, counting the rows placed so far
  const flush = (all: boolean) => {
    while (next < pending.length && (all || pending[next]!.position <= rows.length)) rows.push(unsupportedRow(pending[next++]!))
  }
  for (const column of columns) {
    flush(false)
    rows.push(columnRow(column, options.target))
  }
  flush(true)
  const counts = Object.fromEntries(FIDELITIES.map((f) => [f, rows.filter((r) => r.fidelity === f).length])) as Record<ReportFidelity, number>
  return { exportName: options.exportName ?? null, target: options.target, columns: rows, counts }
}

function columnRow(column: ColumnSpec, target: TypeReportTarget | null): TypeReportColumn {
  const ext = column.type.kind === 'uuid' ? ' (arrow.uuid)' : column.type.kind === 'json' ? ' (arrow.json)' : ''
  return {
    name: column.name,
    sourceType: column.sourceType,
    rivetType: describeType(column.type),
    arrowType: `${String(toArrowType(column.type))}${ext}`,
    parquet: parquetTypeOf(column.type),
    nullable: column.nullable,
    fidelity: column.fidelity,
    reason: fidelityReason(column),
    hint: column.fidelity === 'lossy' ? 'use an override that keeps the values (decimal(p,s) or text), or accept the change' : null,
    bigquery: target === 'bigquery' ? bigQueryTypeOf(column) : null,
  }
}

function unsupportedRow(u: UnsupportedColumn): TypeReportColumn {
  return {
    name: u.name, sourceType: u.sourceType, rivetType: null, arrowType: null, parquet: null, nullable: null,
    fidelity: 'unsupported', reason: `${u.reason} (${u.code})`, hint: u.hint, bigquery: null,
  }
}

/**
 * The Parquet type Rivet's writer gives a column (parquet-wasm's arrow-rs writer, with the UUID and
 * JSON annotations set by src/format/parquet/parquet-logical-types.ts). Int32 and Int64 carry no
 * annotation; decimals take INT32 up to 9 digits, INT64 up to 18, then the fewest bytes that hold
 * the precision. tests/integration/preflight/type-report.test.ts compares this with real files.
 */
export function parquetTypeOf(t: RivetType): ParquetColumnType {
  switch (t.kind) {
    case 'bool':
      return { physical: 'BOOLEAN', logical: null }
    case 'int':
      if (t.signed && t.bits >= 32) return { physical: `INT${t.bits}`, logical: null }
      return { physical: t.bits === 64 ? 'INT64' : 'INT32', logical: `INTEGER(${t.bits}, ${t.signed ? 'signed' : 'unsigned'})` }
    case 'float':
      return { physical: t.bits === 32 ? 'FLOAT' : 'DOUBLE', logical: null }
    case 'decimal':
      return { physical: decimalPhysical(t.precision), logical: `DECIMAL(${t.precision},${t.scale})` }
    case 'utf8':
      return { physical: 'BYTE_ARRAY', logical: 'STRING' }
    case 'json':
      return { physical: 'BYTE_ARRAY', logical: 'JSON' }
    case 'binary':
      return { physical: 'BYTE_ARRAY', logical: null }
    case 'uuid':
      return { physical: 'FIXED_LEN_BYTE_ARRAY(16)', logical: 'UUID' }
    case 'date':
      return { physical: 'INT32', logical: 'DATE' }
    case 'time':
      return { physical: 'INT64', logical: 'TIME(MICROS, isAdjustedToUTC=false)' }
    case 'timestamp':
      return { physical: 'INT64', logical: `TIMESTAMP(MICROS, isAdjustedToUTC=${t.tz !== null})` }
    case 'list': {
      const item = parquetTypeOf(t.item)
      return { physical: 'group', logical: `LIST<${formatParquet(item)}>` }
    }
  }
}

/** `PHYSICAL / LOGICAL`, or the physical type alone. */
export function formatParquet(p: ParquetColumnType): string {
  return p.logical === null ? p.physical : `${p.physical} / ${p.logical}`
}

/** arrow-rs decimal_length_from_precision: the bytes of the smallest two's complement holding 10^p − 1. */
function decimalPhysical(precision: number): string {
  if (precision <= 9) return 'INT32'
  if (precision <= 18) return 'INT64'
  const max = 10n ** BigInt(precision) - 1n
  let bytes = 1
  while ((1n << BigInt(8 * bytes - 1)) - 1n < max) bytes++
  return `FIXED_LEN_BYTE_ARRAY(${bytes})`
}

/** Why a written column has its fidelity, in one sentence. */
export function fidelityReason(c: ColumnSpec): string {
  const rivet = describeType(c.type)
  if (c.decoder === 'meta') return 'added by meta_columns; written exactly'
  if (c.fidelity === 'exact') return `every value round-trips unchanged${exactCaveat(c)}`
  if (c.fidelity === 'compatible') {
    if (c.decoder.startsWith('cast:')) return `selected as ${c.decoder.slice(5)} by the columns: override (PostgreSQL cast rules): values are kept, the type becomes ${rivet}`
    if (c.type.kind === 'utf8') return `written as text${textForm(c)}: every value is kept, but the column becomes a string`
    return `converted to ${rivet} by the columns: override: every value is kept, the type differs from the source's`
  }
  return `the columns: override converts it to ${rivet}: ${LOSSES[c.type.kind] ?? 'values can change'}`
}

/** How a compatible text column spells its values. */
function textForm(c: ColumnSpec): string {
  const source = c.sourceType.trim().toLowerCase()
  if (/^(enum|set)\b/.test(source) || c.decoder === 'text') return ' (the label)'
  return TEXT_FORMS[c.decoder] ?? ''
}

const TEXT_FORMS: Readonly<Record<string, string>> = {
  interval: ' in ISO 8601 form (P1Y2M3DT4H5M6S)',
  timetz: ' with its UTC offset',
  inet: ' as PostgreSQL prints it',
  macaddr: ' as PostgreSQL prints it',
  'mysql:text': ' as the server prints it',
  'mysql:text-hex': ' as lowercase hex',
  'mysql:text-bit': ' as its number',
  'mysql:text-wkt': ' as WKT',
}

const LOSSES: Readonly<Partial<Record<RivetType['kind'], string>>> = {
  float: 'values are rounded to the nearest double',
  decimal: 'a float becomes its shortest decimal text, not its exact binary value',
  int: 'fractions are rounded to integers',
  date: 'the time of day is dropped',
  utf8: 'the text the server prints is not the stored value (MariaDB prints FLOAT with 6 significant digits)',
}

/** Data-dependent limits of exact mappings (see docs/type-mapping.md). */
function exactCaveat(c: ColumnSpec): string {
  if (c.type.kind === 'int' && c.type.bits === 64 && !c.type.signed) return '; a reader that ignores the unsigned annotation sees values above 2^63 − 1 as negative'
  switch (c.decoder) {
    case 'date':
    case 'timestamp':
    case 'timestamptz':
      return '; infinity and -infinity stop the export'
    case 'mysql:date':
    case 'mysql:datetime':
      return '; MySQL zero dates are written as NULL'
    case 'mysql:bool':
      return '; values other than 0 and 1 stop the export'
    case 'mysql:time':
      return '; durations outside 00:00:00 … 23:59:59.999999 stop the export'
    default:
      return ''
  }
}

/** The columns that fail --strict: lossy, unsupported, or (with a target) losing information on load. */
export function strictViolations(report: TypeReport): TypeReportColumn[] {
  return report.columns.filter((c) => c.fidelity === 'lossy' || c.fidelity === 'unsupported' || c.bigquery?.loss === true)
}

/** Exit code of `check --type-report`: with strict, 1 (RIVET_TYPE_FIDELITY's class) when a column fails it; else 0. */
export function typeReportExitCode(reports: TypeReport | readonly TypeReport[], options: { readonly strict: boolean }): number {
  return typeFidelityError(reports, options)?.exitCode ?? 0
}

/** The RIVET_TYPE_FIDELITY error the check command raises under --strict, or null when every column passes. */
export function typeFidelityError(reports: TypeReport | readonly TypeReport[], options: { readonly strict: boolean }): RivetError | null {
  if (!options.strict) return null
  const items: ErrorItem[] = []
  for (const report of asList(reports)) {
    for (const c of strictViolations(report)) {
      const path = report.exportName === null ? c.name : `${report.exportName}.${c.name}`
      const why = c.fidelity === 'exact' || c.fidelity === 'compatible' ? `BigQuery loads it as ${c.bigquery!.loaded}: ${c.bigquery!.note ?? 'values do not fit'}` : `${c.fidelity}: ${c.reason}`
      const hint = c.hint ?? c.bigquery?.note ?? null
      items.push({ code: 'RIVET_TYPE_FIDELITY', path, message: `${path} (${c.sourceType}) — ${why}`, ...(hint !== null ? { hint } : {}) })
    }
  }
  if (items.length === 0) return null
  return new RivetError('RIVET_TYPE_FIDELITY', `${items.length} column(s) would not keep their values under --strict: ${items.map((i) => i.path).join(', ')}`, {
    items,
    details: { columns: items.map((i) => i.path) },
  })
}

function asList(reports: TypeReport | readonly TypeReport[]): readonly TypeReport[] {
  return Array.isArray(reports) ? reports : [reports as TypeReport]
}

/**
 * A statement that turns the loaded staging table into one with the expected BigQuery types, or
 * null when every column already loads as it should. `<dataset>` is left for the user to fill in.
 */
export function bigQueryRecoverySql(report: TypeReport): string | null {
  const written = report.columns.filter((c) => c.bigquery !== null)
  if (!written.some((c) => c.bigquery!.recovery !== null)) return null
  const table = report.exportName ?? 'table'
  const select = written.map((c) => (c.bigquery!.recovery === null ? quoteBigQueryIdent(c.name) : `${c.bigquery!.recovery} AS ${quoteBigQueryIdent(c.name)}`))
  return [`CREATE OR REPLACE TABLE \`<dataset>.${table}\` AS`, `SELECT`, select.map((s) => `  ${s}`).join(',\n'), `FROM \`<dataset>.${table}__staging\``].join('\n')
}

const LEGEND = 'fidelity: exact = every value unchanged · compatible = every value kept, the type changes (e.g. to text) · lossy = values can change · unsupported = `rivet run` refuses the column'

/** Aligned text: a table per export, its notes and counts, then the legend. */
export function renderTypeReportText(reports: readonly TypeReport[]): string {
  const lines: string[] = []
  for (const report of reports) {
    lines.push(`export ${report.exportName ?? '?'}${report.target === null ? '' : ` → ${report.target}`}`)
    const headers = ['column', 'source type', 'rivet', 'arrow', 'parquet', 'fidelity', ...(report.target === 'bigquery' ? ['bigquery (loaded → expected)'] : [])]
    const rows = report.columns.map((c) => [
      c.name, c.sourceType, c.rivetType ?? '—', c.arrowType ?? '—', c.parquet === null ? '—' : formatParquet(c.parquet), c.fidelity,
      ...(report.target === 'bigquery' ? [c.bigquery === null ? '—' : c.bigquery.loaded === c.bigquery.expected ? c.bigquery.loaded : `${c.bigquery.loaded} → ${c.bigquery.expected}`] : []),
    ])
    lines.push(...alignRows([headers, ...rows]).map((l) => `  ${l}`))
    const notes = report.columns.flatMap((c) => columnNotes(c).map((n) => `    ${c.name}: ${n}`))
    if (notes.length > 0) lines.push('  notes:', ...notes)
    const recovery = bigQueryRecoverySql(report)
    if (recovery !== null) lines.push(`  BigQuery recovery, after loading the files into <dataset>.${report.exportName ?? 'table'}__staging:`, ...recovery.split('\n').map((l) => `    ${l}`))
    lines.push(`  ${summaryLine(report)}`, '')
  }
  lines.push(LEGEND)
  if (reports.some((r) => r.target === 'bigquery')) lines.push(`bigquery: the types \`${BIGQUERY_LOAD_COMMAND}\` gives, and SQL that turns them into the expected ones (see docs/type-report.md)`)
  return `${lines.join('\n')}\n`
}

function columnNotes(c: TypeReportColumn): string[] {
  const notes: string[] = []
  if (c.fidelity !== 'exact') notes.push(`${c.fidelity}: ${c.reason}${c.hint === null ? '' : ` — fix: ${c.hint}`}`)
  const bq = c.bigquery
  if (bq !== null && (bq.loaded !== bq.expected || bq.loss)) {
    const how = bq.recovery === null ? '' : ` — recover with ${bq.recovery}`
    notes.push(`BigQuery ${bq.loss ? 'loses information' : `loads ${bq.loaded}, expected ${bq.expected}`}${how}${bq.note === null ? '' : ` (${bq.note})`}`)
  }
  return notes
}

function summaryLine(report: TypeReport): string {
  const counts = FIDELITIES.map((f) => `${report.counts[f]} ${f}`).join(' · ')
  if (report.target !== 'bigquery') return counts
  const bq = report.columns.flatMap((c) => (c.bigquery === null ? [] : [c.bigquery]))
  const recover = bq.filter((b) => b.recovery !== null).length
  const loss = bq.filter((b) => b.loss).length
  return `${counts}; BigQuery: ${recover} column(s) need recovery SQL, ${loss} lose information on load`
}

function alignRows(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd())
}

/** The reports as JSON: stable snake_case keys, every key present (null when not applicable). */
export function typeReportJson(reports: readonly TypeReport[]): unknown {
  return {
    exports: reports.map((r) => ({
      export: r.exportName,
      target: r.target,
      counts: { exact: r.counts.exact, compatible: r.counts.compatible, lossy: r.counts.lossy, unsupported: r.counts.unsupported },
      strict_violations: strictViolations(r).map((c) => c.name),
      columns: r.columns.map((c) => ({
        name: c.name,
        source_type: c.sourceType,
        rivet_type: c.rivetType,
        arrow_type: c.arrowType,
        parquet_physical_type: c.parquet?.physical ?? null,
        parquet_logical_type: c.parquet?.logical ?? null,
        nullable: c.nullable,
        fidelity: c.fidelity,
        reason: c.reason,
        hint: c.hint,
        bigquery: c.bigquery === null ? null : {
          expected_type: c.bigquery.expected,
          load_type: c.bigquery.loaded,
          loses_information: c.bigquery.loss,
          recovery_sql: c.bigquery.recovery,
          note: c.bigquery.note,
        },
      })),
      bigquery_recovery_sql: r.target === 'bigquery' ? bigQueryRecoverySql(r) : null,
    })),
  }
}
