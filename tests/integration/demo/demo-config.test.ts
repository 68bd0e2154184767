import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import YAML from 'yaml'
import { afterAll, describe, expect, it } from 'vitest'
import { isRivetError } from '../../../src/errors/index.js'
import { DEMO_TABLES, demoConfigText, writeDemoConfig } from '../../../src/demo/index.js'

const URL = 'postgresql://postgres@127.0.0.1:54321/postgres'
const dir = mkdtempSync(join(tmpdir(), 'rivet-demo-config-'))

interface DemoExport {
  name: string
  table?: string
  query?: string
  mode?: string
  format: string
  compression: string
  destination: { type: string; path: string }
}

describe('demo config', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('writes rivet.yaml into a new directory and returns its path', () => {
    const path = writeDemoConfig(join(dir, 'nested', 'demo'), URL)
    expect(path).toBe(join(dir, 'nested', 'demo', 'rivet.yaml'))
    expect(readFileSync(path, 'utf8')).toBe(demoConfigText(URL))
  })

  it('is valid YAML with the source URL and one Parquet zstd export per demo table', () => {
    const config = YAML.parse(demoConfigText(URL)) as { source: { type: string; url: string }; exports: DemoExport[] }
    expect(config.source).toEqual({ type: 'postgres', url: URL })
    const tables = config.exports.filter((e) => e.table !== undefined)
    expect(tables.map((e) => e.table)).toEqual(DEMO_TABLES.map((t) => `shop.${t}`))
    for (const e of tables) {
      expect(e).toMatchObject({ name: e.table?.replace('shop.', ''), mode: 'full', format: 'parquet', compression: 'zstd' })
    }
    for (const e of config.exports) expect(e.destination).toEqual({ type: 'local', path: './output/{export}' })
    expect(new Set(config.exports.map((e) => e.name)).size).toBe(config.exports.length)
  })

  it('has a CSV query export that joins and filters', () => {
    const config = YAML.parse(demoConfigText(URL)) as { exports: DemoExport[] }
    const queries = config.exports.filter((e) => e.query !== undefined)
    expect(queries).toHaveLength(1)
    expect(queries[0]).toMatchObject({ name: 'recent_orders', format: 'csv' })
    expect(queries[0].query).toMatch(/\bjoin\b[\s\S]*\bwhere\b/i)
    expect(config.exports.some((e) => e.format === 'csv')).toBe(true)
  })

  it('explains itself with comments', () => {
    const text = demoConfigText(URL)
    expect(text.split('\n').filter((l) => l.trimStart().startsWith('#')).length).toBeGreaterThanOrEqual(8)
  })

  it('quotes a URL that plain YAML would misread', () => {
    const odd = 'postgresql://u:p#w@127.0.0.1:5/db'
    expect((YAML.parse(demoConfigText(odd)) as { source: { url: string } }).source.url).toBe(odd)
  })

  it('reports an unwritable directory as RIVET_DEMO', () => {
    const file = join(dir, 'a-file')
    writeFileSync(file, 'x')
    let error: unknown
    try {
      writeDemoConfig(join(file, 'sub'), URL)
    } catch (err) {
      error = err
    }
    expect(isRivetError(error) && error.code).toBe('RIVET_DEMO')
  })
})
