import { spawn } from 'node:child_process'
import pg from 'pg'
import type { FixtureSpec } from '../fixtures/index.js'
import type { FixtureFacts } from '../tools/index.js'

/** Sizes of a fixture table as the server reports them. */
export async function readFixtureFacts(url: string, f: FixtureSpec): Promise<FixtureFacts> {
  const client = new pg.Client({ connectionString: url, application_name: 'rivet_bench_facts' })
  await client.connect()
  try {
    const [schema, name] = f.table.split('.') as [string, string]
    const r = await client.query<{ t: string; tr: string; w: string | null }>(
      `select pg_table_size($1::regclass)::text as t, pg_total_relation_size($1::regclass)::text as tr,
         (select sum(avg_width)::text from pg_stats where schemaname = $2 and tablename = $3) as w`,
      [f.table, schema, name],
    )
    const row = r.rows[0]!
    return { rows: f.rows, tableBytes: Number(row.t), totalRelationBytes: Number(row.tr), estimatedDecodedBytes: f.rows * Number(row.w ?? 0), csvBytes: 0 }
  } finally {
    await client.end()
  }
}

/**
 * Read the whole table once as CSV (through psql, counted here, not stored): this warms the
 * OS page cache so the first measured tool is not penalised, and yields the CSV size that the
 * report's MB/s is based on.
 */
export function warmUpCsvBytes(url: string, table: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', `copy (select * from ${table}) to stdout csv`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PGAPPNAME: 'rivet_bench_warmup' },
    })
    let bytes = 0
    let err = ''
    child.stdout.on('data', (d: Buffer) => (bytes += d.length))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(bytes) : reject(new Error(`warm-up psql exited ${code}: ${err.trim()}`))))
  })
}
