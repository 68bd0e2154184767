import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { writeConfig } from '../../helpers/cli.js'
import { readParquetExact } from '../../helpers/parquet.js'

/** Every Parquet file under `dir` (recursively), sorted by path. */
export function parquetFiles(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (name.endsWith('.parquet')) out.push(p)
    }
  }
  walk(dir)
  return out.sort()
}

/** All rows of all Parquet files under `dir`, in file order. */
export async function readAllRows(dir: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = []
  for (const file of parquetFiles(dir)) for (const row of (await readParquetExact(file)).rows) rows.push(row)
  return rows
}

/** The rows keyed by `key` (as text); throws on a duplicate key, so "no duplicates" is checked too. */
export function byKey(rows: readonly Record<string, unknown>[], key: string): Map<string, Record<string, unknown>> {
  const map = new Map<string, Record<string, unknown>>()
  for (const row of rows) {
    const k = String(row[key])
    if (map.has(k)) throw new Error(`duplicate ${key} ${k} in the output`)
    map.set(k, row)
  }
  return map
}

/** The run report printed by `rivet run --json`. */
export interface RunJson {
  exitCode: number
  exports: {
    name: string
    status: string
    rows: number
    files: { path: string; rows: number }[]
    stats?: { maxStatementMs?: number; minChunkSize?: number; maxChunkSize?: number; chunks?: number; parallel?: number }
    error?: { code: string; message: string } | null
  }[]
}

/** A config with one Parquet export to ./out/{export}; `source` is its table/query line, `extra` indented export keys. */
export function oneExportConfig(dir: string, type: 'postgres' | 'mysql', url: string, name: string, source: string, extra: string): string {
  return writeConfig(
    dir,
    `source:
  type: ${type}
  url: ${url}
exports:
  - name: ${name}
    ${source}
    format: parquet
    destination: { type: local, path: "./out/{export}" }
${extra}
`,
  )
}
