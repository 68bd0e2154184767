import pg from 'pg'
import { RivetError } from '../errors/index.js'
import { DEMO_SCHEMA, DEMO_TABLES, seedStatements, type SeedCounts } from './seed-sql.js'

/** Caller input of seedDemo. */
export interface SeedDemoOptions {
  /** Multiplies every table's row count; 1 gives about 166k rows. */
  readonly scale?: number
}

/** What seedDemo created: every demo table with its exact row count. */
export interface SeedDemoResult {
  readonly tables: { name: string; rows: number }[]
}

const MAX_SCALE = 100

/** Row counts at a given scale (order_items is about twice orders). */
export function seedCounts(scale: number): SeedCounts {
  if (!Number.isFinite(scale) || scale <= 0 || scale > MAX_SCALE) {
    throw new RivetError('RIVET_DEMO', `the demo scale must be a number above 0 and at most ${MAX_SCALE}, got ${scale}`, {
      hint: 'use a scale such as 0.1, 1 or 10',
      details: { scale },
    })
  }
  const rows = (base: number, min: number): number => Math.max(min, Math.round(base * scale))
  return { customers: rows(10_000, 10), products: rows(1_000, 10), orders: rows(50_000, 10), events: rows(5_000, 10) }
}

/**
 * Create the demo shop (schema `shop`: customers, products, orders, order_items, events) in
 * the database at `url`, replacing an earlier one. All rows are generated inside the database,
 * in one transaction, then the tables are vacuumed and analysed so the catalog's size estimates
 * are right. Uses one connection, closed before returning (the demo server serves one at a time).
 */
export async function seedDemo(url: string, options: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const counts = seedCounts(options.scale ?? 1)
  const client = new pg.Client({ connectionString: url, application_name: 'rivet demo seed' })
  client.on('error', () => undefined) // a lost connection surfaces as the failing query's error
  try {
    await client.connect()
    // generated dates and times depend on the session time zone
    await client.query(`SET TimeZone = 'UTC'`)
    await client.query('BEGIN')
    for (const sql of seedStatements(counts)) await client.query(sql)
    await client.query('COMMIT')
    for (const table of DEMO_TABLES) await client.query(`VACUUM ANALYZE ${DEMO_SCHEMA}.${table}`)
    const tables: { name: string; rows: number }[] = []
    for (const table of DEMO_TABLES) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${DEMO_SCHEMA}.${table}`)
      tables.push({ name: `${DEMO_SCHEMA}.${table}`, rows: Number(rows[0].n) })
    }
    return { tables }
  } catch (err) {
    throw new RivetError('RIVET_DEMO', `seeding the demo database failed: ${(err as Error).message}`, { cause: err })
  } finally {
    await client.end().catch(() => undefined)
  }
}
