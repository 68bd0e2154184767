import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { DataType, RecordBatchReader, type Field } from 'apache-arrow'
import type { SchemaElement } from 'hyparquet'
import mysql from 'mysql2/promise'
import { readParquetExact } from '../../helpers/parquet.js'
import { MYSQL_URL } from '../../helpers/db.js'
import { parquetFiles } from '../modes/helpers.js'

/** The declared types of one output column. */
export interface ColumnTypes {
  /** The Arrow type from the file's ARROW:schema, e.g. `Uint64`, `Decimal256(65,30)`, `Utf8 arrow.json`. */
  readonly arrow: string
  /** The Parquet physical and logical type, e.g. `INT32 INTEGER(8,signed)`, `INT64 TIMESTAMP(MICROS,utc)`. */
  readonly parquet: string
  readonly sourceType: string | undefined
  readonly arrowNullable: boolean
  readonly repetition: string | undefined
}

export interface ParquetOutput {
  readonly rows: Record<string, unknown>[]
  readonly types: ReadonlyMap<string, ColumnTypes>
}

/** The one Parquet file under `dir`: its rows (exact values, see readParquetExact) and column types. */
export async function readParquetOutput(dir: string): Promise<ParquetOutput> {
  const files = parquetFiles(dir)
  if (files.length !== 1) throw new Error(`expected one Parquet file in ${dir}, found ${files.length}`)
  const { rows, metadata } = await readParquetExact(files[0]!)
  const arrowSchema = metadata.key_value_metadata?.find((kv) => kv.key === 'ARROW:schema')?.value
  if (arrowSchema === undefined) throw new Error('the Parquet file has no ARROW:schema')
  const reader = RecordBatchReader.from(Buffer.from(arrowSchema, 'base64'))
  reader.open()
  const elements = new Map(metadata.schema.slice(1).map((el) => [el.name, el]))
  const types = new Map<string, ColumnTypes>()
  for (const field of reader.schema.fields) {
    const el = elements.get(field.name)
    if (el === undefined) throw new Error(`column ${field.name} is in ARROW:schema but not in the Parquet schema`)
    types.set(field.name, {
      arrow: describeArrow(field),
      parquet: describeParquet(el),
      sourceType: field.metadata.get('rivet.source_type'),
      arrowNullable: field.nullable,
      repetition: el.repetition_type,
    })
  }
  return { rows, types }
}

function describeArrow(field: Field): string {
  const t = field.type
  const base = DataType.isDecimal(t) ? `Decimal${t.bitWidth}(${t.precision},${t.scale})` : String(t)
  const extension = field.metadata.get('ARROW:extension:name')
  return extension === undefined ? base : `${base} ${extension}`
}

function describeParquet(el: SchemaElement): string {
  const physical = `${el.type}${el.type_length === undefined ? '' : `(${el.type_length})`}`
  const l = el.logical_type
  if (l === undefined) return physical
  switch (l.type) {
    case 'INTEGER':
      return `${physical} INTEGER(${l.bitWidth},${l.isSigned ? 'signed' : 'unsigned'})`
    case 'DECIMAL':
      return `${physical} DECIMAL(${l.precision},${l.scale})`
    case 'TIME':
    case 'TIMESTAMP':
      return `${physical} ${l.type}(${l.unit},${l.isAdjustedToUTC ? 'utc' : 'local'})`
    default:
      return `${physical} ${l.type}`
  }
}

/** The one uncompressed CSV file under `dir`: its header and its records (NULL is an unquoted empty field). */
export function readCsvOutput(dir: string): { header: string[]; records: (string | null)[][] } {
  const files = readdirSync(dir).filter((f) => f.endsWith('.csv'))
  if (files.length !== 1) throw new Error(`expected one CSV file in ${dir}, found ${files.length}`)
  const [header, ...records] = parseCsv(readFileSync(join(dir, files[0]!), 'utf8'))
  if (header === undefined || header.includes(null)) throw new Error('the CSV file has no header')
  return { header: header as string[], records }
}

/**
 * RFC 4180 records: fields split on commas, records on LF or CRLF outside quotes, `""` inside
 * quotes is one quote. An empty unquoted field is null; `""` is the empty string.
 */
export function parseCsv(csv: string): (string | null)[][] {
  // a last record without its line end still ends (also after a trailing empty field)
  const text = csv === '' || csv.endsWith('\n') ? csv : `${csv}\n`
  const records: (string | null)[][] = []
  let record: (string | null)[] = []
  let i = 0
  while (i < text.length) {
    let value: string | null
    if (text[i] === '"') {
      let v = ''
      i++
      for (;;) {
        const end = text.indexOf('"', i)
        if (end < 0) throw new Error('unterminated quoted CSV field')
        v += text.slice(i, end)
        i = end + 1
        if (text[i] !== '"') break
        v += '"'
        i++
      }
      value = v
    } else {
      let end = i
      while (end < text.length && text[end] !== ',' && text[end] !== '\n' && text[end] !== '\r') end++
      value = end === i ? null : text.slice(i, end)
      i = end
    }
    record.push(value)
    if (text[i] === ',') {
      i++
      continue
    }
    if (text[i] === '\r' && text[i + 1] === '\n') i++
    if (i < text.length && text[i] !== '\n') throw new Error(`unexpected ${JSON.stringify(text[i])} after a CSV field at offset ${i}`)
    i++
    records.push(record)
    record = []
  }
  return records
}

/**
 * A connection of its own to the test server (not the code under test) whose results are all
 * text, exactly as the server prints them: no number, date or JSON conversion by the client.
 */
export async function withMysqlText<T>(fn: (conn: mysql.Connection) => Promise<T>): Promise<T> {
  const conn = await mysql.createConnection({ uri: MYSQL_URL, charset: 'utf8mb4', multipleStatements: true, typeCast: (field) => field.string() })
  try {
    return await fn(conn)
  } finally {
    await conn.end()
  }
}

/** The rows of a query as arrays of text (null for SQL NULL). */
export async function textRows(conn: mysql.Connection, sql: string): Promise<(string | null)[][]> {
  const [rows] = await conn.query({ sql, rowsAsArray: true })
  return rows as (string | null)[][]
}
