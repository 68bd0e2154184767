import type { ManifestFile, RunManifest } from '../destination/index.js'
import type { FileRecord } from '../state/index.js'
import type { ValidateProblem } from './types.js'

/** A file as the manifest (or, without one, the state) lists it: what the stored bytes must match. */
export interface ExpectedFile {
  readonly name: string
  readonly rows: number
  readonly bytes: number
  readonly xxh3: string
  readonly chunk: number | null
}

const HEX16 = /^[0-9a-f]{16}$/

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

function isManifestFile(value: unknown): value is ManifestFile {
  const f = value as Record<string, unknown> | null
  return typeof f === 'object' && f !== null && typeof f.name === 'string' && f.name !== '' && isCount(f.rows) && isCount(f.bytes)
    && typeof f.xxh3 === 'string' && HEX16.test(f.xxh3) && (f.chunk === undefined || isCount(f.chunk))
}

/**
 * Parse a manifest's bytes; the reason as text when they are not a manifest (not JSON, or missing
 * the fields a reader relies on).
 */
export function parseManifest(bytes: Uint8Array): RunManifest | string {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'))
  } catch (err) {
    return `not valid JSON: ${(err as Error).message}`
  }
  const m = value as Record<string, unknown> | null
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return 'not a JSON object'
  for (const key of ['export', 'run_id', 'format', 'compression'] as const) {
    if (typeof m[key] !== 'string') return `"${key}" is missing or not a string`
  }
  if (!isCount(m.rows) || !isCount(m.bytes)) return '"rows" and "bytes" must be whole numbers'
  if (!Array.isArray(m.files)) return '"files" is missing or not a list'
  const bad = m.files.findIndex((f) => !isManifestFile(f))
  if (bad >= 0) return `files[${bad}] lacks a name, rows, bytes or a 16-hex-digit xxh3`
  return value as RunManifest
}

/** The files a manifest lists, as expectations. */
export function manifestFiles(manifest: RunManifest): ExpectedFile[] {
  return manifest.files.map((f) => ({ name: f.name, rows: f.rows, bytes: f.bytes, xxh3: f.xxh3, chunk: f.chunk ?? null }))
}

/** The committed files the state records for a run, as expectations. */
export function stateFiles(files: readonly FileRecord[]): ExpectedFile[] {
  return files.filter((f) => f.committed).map((f) => ({ name: f.fileName, rows: f.rows, bytes: f.bytes, xxh3: f.xxh3, chunk: f.chunkIndex }))
}

/** What the manifest says about itself: its run, its export, its totals, no file twice. */
export function checkManifestSelf(manifest: RunManifest, runId: string, exportName: string): ValidateProblem[] {
  const problems: ValidateProblem[] = []
  const problem = (message: string) => problems.push({ kind: 'manifest_mismatch', file: null, message })
  if (manifest.run_id !== runId) problem(`the manifest names run ${manifest.run_id}, not ${runId}`)
  if (manifest.export !== exportName) problem(`the manifest names export ${manifest.export}, not ${exportName}`)
  const rows = manifest.files.reduce((n, f) => n + f.rows, 0)
  const bytes = manifest.files.reduce((n, f) => n + f.bytes, 0)
  if (manifest.rows !== rows) problem(`the manifest totals ${manifest.rows} rows but its files hold ${rows}`)
  if (manifest.bytes !== bytes) problem(`the manifest totals ${manifest.bytes} bytes but its files hold ${bytes}`)
  const seen = new Set<string>()
  for (const f of manifest.files) {
    if (seen.has(f.name)) problem(`the manifest lists ${f.name} more than once`)
    seen.add(f.name)
  }
  return problems
}

/** The manifest's file list against the files the state records as committed for the run. */
export function compareWithState(listed: readonly ExpectedFile[], recorded: readonly ExpectedFile[]): ValidateProblem[] {
  const problems: ValidateProblem[] = []
  const inState = new Map(recorded.map((f) => [f.name, f]))
  const inManifest = new Set(listed.map((f) => f.name))
  for (const f of listed) {
    const r = inState.get(f.name)
    if (r === undefined) {
      problems.push({ kind: 'not_in_state', file: f.name, message: `${f.name} is in the manifest but the state records no such committed file for the run` })
      continue
    }
    const differences = (['rows', 'bytes', 'xxh3', 'chunk'] as const).filter((k) => f[k] !== r[k]).map((k) => `${k} ${String(f[k])} in the manifest, ${String(r[k])} in the state`)
    if (differences.length > 0) problems.push({ kind: 'state_mismatch', file: f.name, message: `${f.name}: ${differences.join('; ')}` })
  }
  for (const r of recorded) {
    if (!inManifest.has(r.name)) problems.push({ kind: 'not_in_manifest', file: r.name, message: `${r.name} is a committed file of the run in the state but the manifest does not list it` })
  }
  return problems
}

/**
 * The files a sampled check reads: the first and the last by name, and evenly spaced ones between
 * up to a tenth of them (rounded up). The same files every time for the same list.
 */
export function sampleFiles<T extends { readonly name: string }>(files: readonly T[]): T[] {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const n = sorted.length
  if (n <= 2) return sorted
  const k = Math.max(2, Math.ceil(n / 10))
  const picked = new Set<number>()
  for (let j = 0; j < k; j++) picked.add(Math.round((j * (n - 1)) / (k - 1)))
  return [...picked].sort((a, b) => a - b).map((i) => sorted[i]!)
}
