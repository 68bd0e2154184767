import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { decompress as zstdDecompress } from '@mongodb-js/zstd'
import { beforeAll, describe, expect, it } from 'vitest'
import { collect, runCli, spawnCli, tempDir, writeConfig } from '../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../helpers/db.js'
import { readParquetExact } from '../helpers/parquet.js'

const hasPg = await pgAvailable()

function config(exportsYaml: string): string {
  return `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n${exportsYaml}`
}

/** Everything in `dir`, sorted. */
function listAll(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : []
}

/** The data files in `dir`: everything but the manifests and _SUCCESS of the commit protocol. */
function listOut(dir: string): string[] {
  return listAll(dir).filter((f) => f !== '_SUCCESS' && !/^manifest(-.+)?\.json$/.test(f))
}

describe.skipIf(!hasPg)('rivet run (spawned CLI against the local PostgreSQL)', () => {
  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query(`drop table if exists e2e_small, e2e_empty, e2e_unsupported, e2e_bare_numeric, e2e_slow`)
      await c.query(`create table e2e_small (id int primary key, label text, note text)`)
      await c.query(`insert into e2e_small select g, 'row ' || g, case when g % 3 = 0 then null when g % 3 = 1 then '' else 'a,"b"' || chr(10) || 'c' end from generate_series(1, 5000) g`)
      await c.query(`create table e2e_empty (id int primary key, amount numeric(10,2), at timestamptz)`)
      await c.query(`create table e2e_unsupported (id int, p point, r int4range, ok text, c circle)`)
      await c.query(`insert into e2e_unsupported values (1, point(1.5, 2), int4range(1, 5), 'x', circle(point(0, 0), 2)), (2, null, null, null, null)`)
      await c.query(`create table e2e_bare_numeric (id int, amount numeric, total numeric)`)
      await c.query(`insert into e2e_bare_numeric values (1, 12.5, 1e30), (2, -0.0001, null)`)
      await c.query(`create table e2e_slow as select g as id, repeat(md5(g::text), 8) as payload from generate_series(1, 300000) g`)
    })
  })

  it('exports a table to CSV (gzip) with a header, RFC 4180 quoting and NULL vs empty kept apart', async () => {
    const dir = tempDir()
    const cfg = writeConfig(dir, config(`  - name: small\n    table: e2e_small\n    format: csv\n    compression: gzip\n    destination: { type: local, path: "./out" }\n`))
    const r = await runCli(['run', '-c', cfg], { cwd: dir })
    expect(r.code, r.stderr).toBe(0)
    const files = listOut(join(dir, 'out'))
    expect(files).toHaveLength(1)
    expect(files[0]).toMatch(/^small_\d{8}T\d{6}Z-[0-9a-f]{8}\.csv\.gz$/)
    const text = gunzipSync(readFileSync(join(dir, 'out', files[0]!))).toString('utf8')
    const lines = text.split('\n')
    expect(lines[0]).toBe('id,label,note')
    // id 1 → '', id 2 → 'a,"b"\nc', id 3 → NULL (order follows the heap, which is insertion order here)
    expect(text).toContain('1,row 1,""\n2,row 2,"a,""b""\nc"\n3,row 3,\n')
    expect(text.endsWith('\n')).toBe(true)
    // sealed: the run's manifest, manifest.json (the same document) and _SUCCESS beside the file
    const all = listAll(join(dir, 'out'))
    expect(all).toHaveLength(4)
    expect(all.slice(0, 3)).toEqual(['_SUCCESS', expect.stringMatching(/^manifest-\d{8}T\d{6}Z-[0-9a-f]{8}\.json$/), 'manifest.json'])
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8')) as { files: { name: string; rows: number; bytes: number }[]; run_id: string }
    expect(manifest.files).toEqual([{ name: files[0], rows: 5000, bytes: readFileSync(join(dir, 'out', files[0]!)).length, xxh3: expect.stringMatching(/^[0-9a-f]{16}$/) }])
    expect(readFileSync(join(dir, 'out', all[1]!), 'utf8')).toBe(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8'))
    expect(JSON.parse(readFileSync(join(dir, 'out', '_SUCCESS'), 'utf8'))).toMatchObject({ run_id: manifest.run_id, manifest: all[1] })
  })

  it('writes a valid zero-row Parquet file for an empty table, and nothing with skip_empty', async () => {
    const dir = tempDir()
    const cfg = writeConfig(
      dir,
      config(
        `  - name: empty\n    table: e2e_empty\n    format: parquet\n    destination: { type: local, path: "./out/{export}" }\n` +
          `  - name: skipped\n    table: e2e_empty\n    format: parquet\n    skip_empty: true\n    destination: { type: local, path: "./out/{export}" }\n`,
      ),
    )
    const r = await runCli(['run', '-c', cfg, '--json'], { cwd: dir })
    expect(r.code, r.stderr).toBe(0)
    const files = listOut(join(dir, 'out', 'empty'))
    expect(files).toHaveLength(1)
    const { rows, metadata } = await readParquetExact(join(dir, 'out', 'empty', files[0]!))
    expect(rows).toHaveLength(0)
    expect(metadata.schema.map((e) => e.name)).toEqual(expect.arrayContaining(['id', 'amount', 'at']))
    expect(listOut(join(dir, 'out', 'skipped'))).toHaveLength(0)
  })

  it('rotates into parts at max_file_size and the parts hold every row once', async () => {
    const dir = tempDir()
    const cfg = writeConfig(
      dir,
      config(
        `  - name: parts\n    table: e2e_slow\n    format: csv\n    compression: none\n    max_file_size: 4MiB\n    destination: { type: local, path: "./out" }\n`,
      ),
    )
    const r = await runCli(['run', '-c', cfg, '--json'], { cwd: dir })
    expect(r.code, r.stderr).toBe(0)
    const files = listOut(join(dir, 'out'))
    expect(files.length).toBeGreaterThan(3)
    files.forEach((f, i) => expect(f).toMatch(new RegExp(`^parts_\\d{8}T\\d{6}Z-[0-9a-f]{8}_part${i + 1}\\.csv$`.replace('part' + (i + 1), `part\\d+`))))
    const ids = new Set<string>()
    let total = 0
    for (const f of files) {
      const text = readFileSync(join(dir, 'out', f), 'utf8')
      expect(text.length).toBeLessThanOrEqual(4 * 1024 * 1024)
      const lines = text.trimEnd().split('\n')
      expect(lines[0]).toBe('id,payload')
      for (const line of lines.slice(1)) {
        ids.add(line.split(',')[0]!)
        total++
      }
    }
    expect(total).toBe(300_000)
    expect(ids.size).toBe(300_000)
  })

  it('exports a query through a cursor, zstd CSV', async () => {
    const dir = tempDir()
    const cfg = writeConfig(
      dir,
      config(`  - name: q\n    query: "select id, label from e2e_small where id % 2 = 0 order by id"\n    format: csv\n    compression: zstd\n    destination: { type: local, path: "./out" }\n`),
    )
    const r = await runCli(['run', '-c', cfg], { cwd: dir })
    expect(r.code, r.stderr).toBe(0)
    const [file] = listOut(join(dir, 'out'))
    const text = (await zstdDecompress(readFileSync(join(dir, 'out', file!)))).toString('utf8')
    const lines = text.trimEnd().split('\n')
    expect(lines).toHaveLength(2501)
    expect(lines[1]).toBe('2,row 2')
    expect(lines[2500]).toBe('5000,row 5000')
  })

  it('refuses unsupported types in one error listing every column, writing nothing', async () => {
    const dir = tempDir()
    const cfg = writeConfig(dir, config(`  - name: bad\n    table: e2e_unsupported\n    format: parquet\n    destination: { type: local, path: "./out" }\n`))
    const r = await runCli(['run', '-c', cfg, '--json-errors'], { cwd: dir })
    expect(r.code).toBe(1)
    const errorLine = r.stderr.trim().split('\n').find((l) => l.startsWith('{'))!
    const { error } = JSON.parse(errorLine) as { error: { code: string; items: { path: string }[]; message: string } }
    expect(error.code).toBe('RIVET_TYPE_UNSUPPORTED')
    expect(error.items.map((i) => i.path).sort()).toEqual(['c', 'p', 'r'])
    expect(listAll(join(dir, 'out'))).toEqual([])
  })

  it('refuses a bare numeric column with the override to use', async () => {
    const dir = tempDir()
    const cfg = writeConfig(dir, config(`  - name: bare\n    table: e2e_bare_numeric\n    format: parquet\n    destination: { type: local, path: "./out" }\n`))
    const r = await runCli(['run', '-c', cfg], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/RIVET_TYPE_NUMERIC_UNBOUNDED/)
    expect(r.stderr).toMatch(/amount/)
    expect(r.stderr).toMatch(/total/)
    expect(r.stderr).toMatch(/decimal\(/)
  })

  it('applies columns: overrides — text casts for unsupported types, exact decimal for bare numeric', async () => {
    const dir = tempDir()
    const cfg = writeConfig(
      dir,
      config(
        `  - name: fixed\n    table: e2e_unsupported\n    format: parquet\n    destination: { type: local, path: "./out/{export}" }\n    columns: { p: text, r: text, c: text }\n` +
          `  - name: numbers\n    table: e2e_bare_numeric\n    format: parquet\n    destination: { type: local, path: "./out/{export}" }\n    columns: { amount: "decimal(20,4)", total: text }\n` +
          `  - name: toosmall\n    table: e2e_bare_numeric\n    format: parquet\n    destination: { type: local, path: "./out/{export}" }\n    columns: { amount: "decimal(20,2)", total: text }\n`,
      ),
    )
    const r = await runCli(['run', '-c', cfg], { cwd: dir })
    // the third export must refuse to round -0.0001 into decimal(20,2): data integrity, exit 3
    expect(r.code, r.stderr).toBe(3)
    expect(r.stderr).toMatch(/RIVET_DATA_VALUE_OUT_OF_RANGE/)
    expect(r.stderr).toMatch(/amount/)
    expect(listAll(join(dir, 'out', 'toosmall'))).toEqual([])
    const fixed = await readParquetExact(join(dir, 'out', 'fixed', listOut(join(dir, 'out', 'fixed'))[0]!))
    const byId = new Map(fixed.rows.map((row) => [row.id, row]))
    expect(byId.get(1)).toMatchObject({ p: '(1.5,2)', r: '[1,5)', ok: 'x', c: '<(0,0),2>' })
    expect(byId.get(2)).toMatchObject({ p: null, r: null, c: null })
    const numbers = await readParquetExact(join(dir, 'out', 'numbers', listOut(join(dir, 'out', 'numbers'))[0]!))
    const nById = new Map(numbers.rows.map((row) => [row.id, row]))
    expect(nById.get(1)).toMatchObject({ amount: '12.5000', total: '1000000000000000000000000000000' })
    expect(nById.get(2)).toMatchObject({ amount: '-0.0001', total: null })
  })

  it('after SIGKILL mid-export leaves no file under a final name and no completed run; the next run succeeds', async () => {
    const dir = tempDir()
    const cfg = writeConfig(
      dir,
      config(
        `  - name: slow\n    table: e2e_slow\n    format: parquet\n    destination: { type: local, path: "./out" }\n    tuning: { batch_size: 5000, throttle_ms: 100 }\n`,
      ),
    )
    const child = spawnCli(['run', '-c', cfg], { cwd: dir })
    const done = collect(child)
    // wait until the run is writing (a temp file exists), then kill it outright
    const deadline = Date.now() + 60_000
    while (!listOut(join(dir, 'out')).some((f) => f.includes('.rivet-tmp-')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(listOut(join(dir, 'out')).some((f) => f.includes('.rivet-tmp-'))).toBe(true)
    child.kill('SIGKILL')
    const killed = await done
    expect(killed.signal).toBe('SIGKILL')
    expect(listOut(join(dir, 'out')).filter((f) => f.endsWith('.parquet') && !f.startsWith('.'))).toEqual([])
    const before = JSON.parse((await runCli(['metrics', '-c', cfg, '--json'])).stdout) as { runs: { status: string }[] }
    expect(before.runs.map((r) => r.status)).toEqual(['running'])

    const cfg2 = writeConfig(dir, config(`  - name: slow\n    table: e2e_slow\n    format: parquet\n    destination: { type: local, path: "./out" }\n`))
    const rerun = await runCli(['run', '-c', cfg2, '--json'], { cwd: dir })
    expect(rerun.code, rerun.stderr).toBe(0)
    const out = listOut(join(dir, 'out'))
    expect(out.filter((f) => f.includes('.rivet-tmp-'))).toEqual([])
    expect(out).toHaveLength(1)
    const { rows } = await readParquetExact(join(dir, 'out', out[0]!))
    expect(rows).toHaveLength(300_000)
    const after = JSON.parse((await runCli(['metrics', '-c', cfg, '--json'])).stdout) as { runs: { status: string }[] }
    expect(after.runs.map((r) => r.status)).toEqual(['completed', 'interrupted'])
    const files = JSON.parse((await runCli(['state', 'files', '-c', cfg, '--json'])).stdout) as { files: { rows: number; xxh3: string; path: string }[] }
    expect(files.files).toHaveLength(1)
    expect(files.files[0]!.rows).toBe(300_000)
    expect(files.files[0]!.xxh3).toMatch(/^[0-9a-f]{16}$/)
  })

  it('on SIGTERM stops cleanly: exit 2, run recorded as interrupted, temp files removed', async () => {
    const dir = tempDir()
    const cfg = writeConfig(
      dir,
      config(`  - name: slow\n    table: e2e_slow\n    format: csv\n    destination: { type: local, path: "./out" }\n    tuning: { batch_size: 5000, throttle_ms: 100 }\n`),
    )
    const child = spawnCli(['run', '-c', cfg, '--json-errors'], { cwd: dir })
    const done = collect(child)
    const deadline = Date.now() + 60_000
    while (!listOut(join(dir, 'out')).some((f) => f.includes('.rivet-tmp-')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    child.kill('SIGTERM')
    const r = await done
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/RIVET_CANCELLED/)
    expect(listAll(join(dir, 'out'))).toEqual([])
    const metrics = JSON.parse((await runCli(['metrics', '-c', cfg, '--json'])).stdout) as { runs: { status: string; errorCode: string }[] }
    expect(metrics.runs.map((m) => [m.status, m.errorCode])).toEqual([['interrupted', 'RIVET_CANCELLED']])
  })
})
