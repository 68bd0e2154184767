/**
 * The export script a competent Node user writes by hand: pg rows → apache-arrow builders →
 * parquet-wasm (zstd). It streams rows with a server-side cursor and builds Arrow record batches of 100k
 * rows, but, like such scripts, keeps the whole table in memory and writes the Parquet file
 * in one `writeParquet` call at the end. Prints `{"rows":N,"bytes":N}` on stdout.
 *
 *   node dist/bench/baselines/naive-node.js --url postgres://... --table public.t --out t.parquet
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import {
  Bool, Builder, DateDay, Field, Float32, Float64, Int16, Int32, Int64, List, makeBuilder, makeData, RecordBatch,
  Schema, Struct, Table, tableToIPC, TimestampMillisecond, Utf8, type DataType,
} from 'apache-arrow'
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm'
import pg from 'pg'

const BATCH_ROWS = 100_000
const FETCH_ROWS = 10_000

// Keep bigint exact and hand JSON through as text instead of parsing and re-serialising it.
pg.types.setTypeParser(20, (v: string) => BigInt(v))
pg.types.setTypeParser(114, (v: string) => v)
pg.types.setTypeParser(3802, (v: string) => v)

/** Arrow type for a PostgreSQL type oid; numeric stays text so no precision is lost. */
function arrowType(oid: number): DataType {
  switch (oid) {
    case 16: return new Bool()
    case 20: return new Int64()
    case 21: return new Int16()
    case 23: return new Int32()
    case 700: return new Float32()
    case 701: return new Float64()
    case 1082: return new DateDay()
    case 1114: case 1184: return new TimestampMillisecond('UTC')
    case 1009: case 1015: return new List(new Field('item', new Utf8(), true))
    default: return new Utf8() // text, varchar, numeric, uuid, json, jsonb, ...
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { url: { type: 'string' }, table: { type: 'string' }, out: { type: 'string' }, app: { type: 'string' } } })
  const client = new pg.Client({ connectionString: values.url, application_name: values.app ?? 'naive_node' })
  await client.connect()
  // Column types first, so the builders exist before the first row arrives.
  const probe = await client.query(`select * from ${values.table} limit 0`)
  const schema = new Schema(probe.fields.map((f) => new Field(f.name, arrowType(f.dataTypeID), true)))
  const builders = schema.fields.map((f) => makeBuilder({ type: f.type, nullValues: [null, undefined] }))
  const batches: RecordBatch[] = []
  let pending = 0
  let rows = 0
  // A server-side cursor so the rows arrive in slices instead of one giant result.
  await client.query('begin')
  await client.query(`declare rows_cur no scroll cursor for select * from ${values.table}`)
  for (;;) {
    const chunk = (await client.query<unknown[]>({ text: `fetch ${FETCH_ROWS} from rows_cur`, rowMode: 'array' })).rows
    if (chunk.length === 0) break
    for (const row of chunk) {
      for (let c = 0; c < builders.length; c++) builders[c]!.append(row[c])
    }
    pending += chunk.length
    rows += chunk.length
    if (pending >= BATCH_ROWS) {
      batches.push(flush(schema, builders, pending))
      pending = 0
    }
  }
  if (pending > 0) batches.push(flush(schema, builders, pending))
  await client.query('commit')
  await client.end()

  const ipc = tableToIPC(new Table(schema, batches), 'stream')
  const props = new WriterPropertiesBuilder().setCompression(Compression.ZSTD).build()
  const parquet = writeParquet(WasmTable.fromIPCStream(ipc), props)
  writeFileSync(values.out!, parquet)
  process.stdout.write(`${JSON.stringify({ rows, bytes: parquet.byteLength })}\n`)
}

/** Turn what the builders hold into one record batch and reset them. */
function flush(schema: Schema, builders: Builder[], length: number): RecordBatch {
  const children = builders.map((b) => b.flush())
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }))
}

await main()
