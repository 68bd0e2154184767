import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'

const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as { version: string }

describe('rivet CLI basics (spawned)', () => {
  it('prints its version', async () => {
    const r = await runCli(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toContain(pkg.version)
  })

  it('lists every command in --help', async () => {
    const r = await runCli(['--help'])
    expect(r.code).toBe(0)
    for (const cmd of ['rivet run', 'rivet demo', 'rivet state files', 'rivet metrics', 'rivet schema config']) expect(r.stdout).toContain(cmd)
  })

  it.each([['run'], ['demo'], ['state', 'files'], ['metrics'], ['schema', 'config']])('has a description and examples for `%s`', async (...path) => {
    const r = await runCli([...path, '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Examples/)
  })

  it('reports an unknown command on stderr with a code and exit 1', async () => {
    const r = await runCli(['frobnicate'])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^\[RIVET_USAGE\]/)
    expect(r.stderr).toMatch(/hint:/)
  })

  it('reports a missing config file', async () => {
    const r = await runCli(['run', '-c', '/nonexistent/rivet.yaml'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^\[RIVET_CONFIG_NOT_FOUND\]/)
    expect(r.stderr).not.toMatch(/\s+at .+\.js:\d+/) // no stack trace
  })

  it('prints one JSON object with --json-errors', async () => {
    const r = await runCli(['run', '-c', '/nonexistent/rivet.yaml', '--json-errors'])
    expect(r.code).toBe(1)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    const parsed = JSON.parse(lines[0]!) as { error: { code: string; hint: string; exitCode: number } }
    expect(parsed.error.code).toBe('RIVET_CONFIG_NOT_FOUND')
    expect(parsed.error.exitCode).toBe(1)
    expect(parsed.error.hint.length).toBeGreaterThan(0)
  })

  it('prints the config JSON Schema', async () => {
    const r = await runCli(['schema', 'config'])
    expect(r.code).toBe(0)
    const schema = JSON.parse(r.stdout) as { properties: Record<string, unknown> }
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['source', 'exports']))
  })

  it('reports all ten mistakes of a config at once, exits 1 and writes nothing', async () => {
    const dir = tempDir()
    const config = writeConfig(
      dir,
      `
source:
  type: postgres
  url: postgresql://postgres@127.0.0.1:5432/test
  tuning:
    profile: turbo                 # 1 enum
    batch_size: -5                 # 2 range
exports:
  - name: one
    table: public.t1
    query: select 1                # 3 conflict table/query
    format: parquett               # 4 enum
    destination: { type: local, path: ./out }
  - name: two
    table: public.t2
    chunk_colum: id                # 5 unknown key
    compression: snappy
    format: csv                    # 6 conflict csv + snappy
    destination: { type: local, path: ./out2 }
  - name: one                      # 7 duplicate export
    table: public.t3
    format: parquet
    max_file_size: 12 parsecs      # 8 format
    destination: { type: local }   # 9 missing path
  - name: four
    table: public.t4
    format: parquet
    compression_level: 99          # 10 range
    destination: { type: local, path: ./out4 }
`,
    )
    const r = await runCli(['run', '-c', config, '--json-errors'])
    expect(r.code).toBe(1)
    const { error } = JSON.parse(r.stderr.trim()) as { error: { code: string; items: { code: string; path: string }[] } }
    expect(error.code).toBe('RIVET_CONFIG_INVALID')
    expect(error.items).toHaveLength(10)
    for (const item of error.items) {
      expect(item.code).toMatch(/^RIVET_CONFIG_/)
      expect(item.path.length).toBeGreaterThan(0)
    }
    expect(existsSync(join(dir, 'out'))).toBe(false)
    expect(readdirSync(dir)).toEqual(['rivet.yaml'])
  })
})
