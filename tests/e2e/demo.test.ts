import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.js'
import { readParquetExact } from '../helpers/parquet.js'

// The README's first command: `npx rivet demo`. Needs no database server.
describe('rivet demo (spawned)', () => {
  it('writes Parquet files that an independent reader opens with the seeded row counts', async () => {
    const dir = tempDir('rivet-demo-')
    const r = await runCli(['demo', '--dir', join(dir, 'demo')], { cwd: dir })
    expect(r.code, r.stderr).toBe(0)
    // what the seed counted in the database, as the demo reports it
    const expected = Object.fromEntries([...r.stderr.matchAll(/seeded shop\.(\w+): ([\d,]+) rows/g)].map((m) => [m[1]!, Number(m[2]!.replace(/,/g, ''))]))
    expect(Object.keys(expected).sort()).toEqual(['customers', 'events', 'order_items', 'orders', 'products'])
    for (const [table, rows] of Object.entries(expected)) {
      const folder = join(dir, 'demo', 'output', table)
      const files = readdirSync(folder).filter((f) => f.endsWith('.parquet'))
      expect(files, table).toHaveLength(1)
      const read = await readParquetExact(join(folder, files[0]!))
      expect(read.rows.length, table).toBe(rows)
    }
    expect(r.stdout).toMatch(/6 of 6 export\(s\) completed/)
    expect(r.stdout).toMatch(/rivet state files -c/)
  }, 300_000)
})
