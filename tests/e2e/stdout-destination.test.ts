import { beforeAll, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readParquetExact } from '../helpers/parquet.js'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../helpers/db.js'

const hasPg = await pgAvailable()

const config = (exportsYaml: string) => `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n${exportsYaml}`

describe.skipIf(!hasPg)('destination type stdout (spawned CLI)', () => {
  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query('drop table if exists dest_stdout')
      await c.query(`create table dest_stdout as select g as id, 'name ' || g as name from generate_series(1, 30000) g`)
    })
  })

  it('streams one CSV export to stdout and nothing else; the report goes to stderr', async () => {
    const dir = tempDir('rivet-stdout-')
    const cfg = writeConfig(dir, config(`  - name: piped\n    table: dest_stdout\n    format: csv\n    compression: none\n    destination: { type: stdout }\n`))
    const r = await runCli(['run', '-c', cfg, '--json'], { cwd: dir })
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe('id,name')
    expect(lines.length).toBe(30002) // header, 30000 rows, trailing newline
    expect(lines.slice(1, -1).map((l) => Number(l.split(',')[0])).sort((a, b) => a - b)).toEqual(Array.from({ length: 30000 }, (_, i) => i + 1))
    // stderr is NDJSON events only; the last one carries the report
    const events = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { event: string; report?: { exitCode: number; exports: { rows: number }[] } })
    expect(events[0]!.event).toBe('run_started')
    const last = events[events.length - 1]!
    expect(last.event).toBe('run_finished')
    expect(last.report?.exitCode).toBe(0)
    expect(last.report?.exports[0]!.rows).toBe(30000)
  })

  it('streams Parquet that a reader opens', async () => {
    const dir = tempDir('rivet-stdout-')
    const cfg = writeConfig(dir, config(`  - name: piped\n    table: dest_stdout\n    format: parquet\n    destination: { type: stdout }\n`))
    const r = await runCli(['run', '-c', cfg, '-q'], { cwd: dir })
    expect(r.code, r.stderr).toBe(0)
    const file = join(dir, 'piped.parquet')
    writeFileSync(file, r.stdoutBytes)
    const { rows } = await readParquetExact(file)
    expect(rows.length).toBe(30000)
    expect(rows.map((row) => Number(row.id)).sort((a, b) => a - b).slice(0, 3)).toEqual([1, 2, 3])
  })

  it('refuses max_file_size and chunked mode as config errors', async () => {
    const dir = tempDir('rivet-stdout-')
    const cfg = writeConfig(dir, config(`  - name: piped\n    table: dest_stdout\n    format: csv\n    max_file_size: 10MiB\n    destination: { type: stdout }\n` +
      `  - name: chunks\n    table: dest_stdout\n    format: csv\n    mode: chunked\n    chunk_column: id\n    parallel: 2\n    destination: { type: stdout }\n`))
    const r = await runCli(['run', '-c', cfg, '-e', 'piped'], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('exports[0].max_file_size')
    expect(r.stderr).toContain('exports[1].mode')
  })

  it('refuses to run a stdout export together with another export', async () => {
    const dir = tempDir('rivet-stdout-')
    const cfg = writeConfig(dir, config(`  - name: piped\n    table: dest_stdout\n    format: csv\n    destination: { type: stdout }\n` +
      `  - name: filed\n    table: dest_stdout\n    format: csv\n    destination: { type: local, path: ./out }\n`))
    const r = await runCli(['run', '-c', cfg], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('RIVET_CONFIG_CONFLICT')
    expect(r.stderr).toContain('-e NAME')
  })
})
