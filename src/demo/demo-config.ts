import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { RivetError } from '../errors/index.js'

/** File name of the config the demo writes. */
export const DEMO_CONFIG_FILE = 'rivet.yaml'

const TABLE_EXPORTS: readonly { table: string; note: string }[] = [
  { table: 'customers', note: 'enum, domain, char(n), date before 1970, time, numeric(40,8), text[], inet, bytea' },
  { table: 'products', note: 'real with NaN and Infinity, smallint, json, integer[] with NULL items' },
  { table: 'orders', note: 'bigint keys, timestamp, timestamptz, timetz, interval, numeric(5,2)' },
  { table: 'order_items', note: 'the largest table: about 100,000 rows at scale 1' },
  { table: 'events', note: 'uuid keys, jsonb, double precision with NaN and ±Infinity, arrays' },
]

const RECENT_ORDERS_QUERY = `select o.id as order_id, o.placed_at, o.status, o.total, o.currency,
             c.full_name, c.country_code, c.tier
      from shop.orders o
      join shop.customers c on c.id = o.customer_id
      where o.placed_at >= timestamptz '2024-01-01 00:00:00+00'
        and o.status in ('paid', 'shipped', 'delivered')`

/** A URL as a YAML scalar: plain when that is unambiguous, else double-quoted. */
function yamlScalar(value: string): string {
  return /^[\w:/@.\-?=&%+]+$/.test(value) ? value : JSON.stringify(value)
}

function tableExport(table: string, note: string): string {
  return `  - name: ${table}
    table: shop.${table}   # ${note}
    mode: full
    format: parquet
    compression: zstd
    destination:
      type: local
      path: ./output/{export}
`
}

/** The text of the demo config for a source at `url`. */
export function demoConfigText(url: string): string {
  return `# Rivet config written by \`rivet demo\`.
#
# The source is the embedded demo database (PostgreSQL 18 running inside Node) that
# \`rivet demo\` started on a local port; the port changes on every run. To export from your
# own database, change source.url and the table names, then run: rivet run -c rivet.yaml
source:
  type: postgres
  url: ${yamlScalar(url)}

# Each export reads one table or query and writes its files under
# ./output/<export name> (paths are relative to this file; {export} is the export's name).
exports:
  # One export per table of the demo shop: every row, as Parquet compressed with zstd.
${TABLE_EXPORTS.map(({ table, note }) => tableExport(table, note)).join('\n')}
  # A query export: any SELECT works, joins and filters included. This one writes plain,
  # uncompressed CSV you can open in a spreadsheet (csv also takes zstd, gzip or lz4).
  - name: recent_orders
    query: |
      ${RECENT_ORDERS_QUERY}
    format: csv
    compression: none
    destination:
      type: local
      path: ./output/{export}
`
}

/** Write \`rivet.yaml\` for the demo source into `dir` (created if missing); returns its path. */
export function writeDemoConfig(dir: string, url: string): string {
  const path = join(dir, DEMO_CONFIG_FILE)
  try {
    mkdirSync(dir, { recursive: true })
    writeFileSync(path, demoConfigText(url), 'utf8')
  } catch (err) {
    throw new RivetError('RIVET_DEMO', `could not write the demo config ${path}: ${(err as Error).message}`, {
      cause: err,
      details: { path },
    })
  }
  return path
}
