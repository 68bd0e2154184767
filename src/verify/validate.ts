import type { ResolvedConfig, ResolvedExport } from '../config/index.js'
import { selectExports } from '../config/index.js'
import { MANIFEST_NAME, SUCCESS_NAME, resolveOutputDir, runManifestName } from '../destination/index.js'
import type { RunManifest } from '../destination/index.js'
import { RivetError, toRivetError } from '../errors/index.js'
import type { RunRecord, StateStore } from '../state/index.js'
import { inspectFile } from './file-content.js'
import { checkManifestSelf, compareWithState, manifestFiles, parseManifest, sampleFiles, stateFiles } from './manifest-check.js'
import type { ExpectedFile } from './manifest-check.js'
import { completedRuns, requireCompletedRun } from './run-selection.js'
import { openStoredFiles } from './stored-files.js'
import type { StoredFiles } from './stored-files.js'
import type { ValidateDepth, ValidateProblem } from './types.js'

export interface ValidateOptions {
  readonly config: ResolvedConfig
  /** The config's state store; null when no run was ever recorded. */
  readonly state: StateStore | null
  /** Export names (empty: every export, or the export of `runId`). */
  readonly exports: readonly string[]
  /** This run instead of the latest completed one. */
  readonly runId?: string
  /** Every completed run of each export instead of the latest. */
  readonly allRuns?: boolean
  readonly depth: ValidateDepth
}

/** What validating one run found. */
export interface RunValidation {
  readonly exportName: string
  readonly runId: string
  readonly location: string
  readonly depth: ValidateDepth
  /** Files the manifest (or, without a readable one, the state) lists. */
  readonly files: number
  /** Files whose bytes were read: checksummed and rows counted. */
  readonly filesRead: number
  /** Whether the run is the latest completed one of its location (so `_SUCCESS` must name it). */
  readonly latest: boolean
  readonly problems: readonly ValidateProblem[]
}

/** An export with nothing to validate, and why. */
export interface SkippedExport {
  readonly exportName: string
  readonly reason: string
}

export interface ValidateReport {
  readonly depth: ValidateDepth
  readonly runs: readonly RunValidation[]
  readonly skipped: readonly SkippedExport[]
  readonly problemCount: number
}

/** Compare each selected run's manifest with the state and with the stored files. */
export async function runValidate(options: ValidateOptions): Promise<ValidateReport> {
  const { state } = options
  const runs: RunValidation[] = []
  const skipped: SkippedExport[] = []
  for (const exp of selectedExports(options)) {
    if (exp.destination.type === 'stdout') {
      skipped.push({ exportName: exp.name, reason: 'it writes to standard output, which keeps no files' })
      continue
    }
    const all = completedRuns(state, exp.name)
    const chosen = options.runId !== undefined ? [requireCompletedRun(state, exp.name, options.runId)] : options.allRuns ? all : all.slice(0, 1)
    if (chosen.length === 0) skipped.push({ exportName: exp.name, reason: 'no completed run is recorded' })
    for (const run of chosen) runs.push(await validateRun(exp, run, state, all, options.depth))
  }
  return { depth: options.depth, runs, skipped, problemCount: runs.reduce((n, r) => n + r.problems.length, 0) }
}

/** The exports named; with --run-id, the export of that run (which must be among those named, if any). */
function selectedExports(options: ValidateOptions): ResolvedExport[] {
  const named = selectExports(options.config, options.exports)
  if (options.runId === undefined) return named
  const run = options.state?.getRun(options.runId)
  if (run === undefined) throw new RivetError('RIVET_RUN_NOT_FOUND', `no run ${options.runId} is recorded`, { details: { runId: options.runId } })
  if (options.exports.length > 0 && !options.exports.includes(run.exportName)) {
    throw new RivetError('RIVET_RUN_NOT_FOUND', `run ${options.runId} belongs to export ${run.exportName}, not ${options.exports.join(', ')}`, { details: { runId: options.runId, export: run.exportName } })
  }
  return selectExports(options.config, [run.exportName])
}

/**
 * The files a repair run's manifest carries from earlier runs (`run_id` set on the file), as the
 * state records them for those runs: they are checked like the run's own.
 */
function carriedFiles(manifest: RunManifest, runId: string, state: StateStore | null): ExpectedFile[] {
  const carried = manifest.files.filter((f) => f.run_id !== undefined && f.run_id !== runId)
  const names = new Set(carried.map((f) => f.name))
  const runs = new Set(carried.map((f) => f.run_id!))
  return [...runs].flatMap((other) => stateFiles(state?.listFiles({ runId: other }) ?? []).filter((f) => names.has(f.name)))
}

/** Where a run of an export wrote: its destination with `{date}` the day the run started. */
function locationKey(exp: ResolvedExport, run: RunRecord): string {
  const d = exp.destination
  const template = d.type === 'local' ? d.path : d.type === 'stdout' ? '' : `${d.type}://${d.bucket}/${d.prefix}`
  return resolveOutputDir(template, { export: exp.name, date: run.startedAt })
}

async function validateRun(exp: ResolvedExport, run: RunRecord, state: StateStore | null, all: readonly RunRecord[], depth: ValidateDepth): Promise<RunValidation> {
  const files = await openStoredFiles(exp.destination, { export: exp.name, date: run.startedAt })
  try {
    const problems: ValidateProblem[] = []
    const recorded = stateFiles(state?.listFiles({ runId: run.runId }) ?? [])
    const manifest = await readManifest(files, run.runId, problems)
    let expected = recorded
    if (manifest !== null) {
      problems.push(...checkManifestSelf(manifest, run.runId, exp.name))
      expected = manifestFiles(manifest)
      problems.push(...compareWithState(expected, [...recorded, ...carriedFiles(manifest, run.runId, state)]))
    }
    const where = locationKey(exp, run)
    const sealedLast = all.filter((r) => locationKey(exp, r) === where).sort((a, b) => (b.finishedAt?.getTime() ?? 0) - (a.finishedAt?.getTime() ?? 0))[0]
    const latest = sealedLast?.runId === run.runId
    if (latest) problems.push(...(await checkSeal(files, run.runId)))
    const format = manifest ?? { format: run.format === 'csv' ? 'csv' : 'parquet', compression: run.compression }
    const filesRead = await checkStoredFiles(files, expected, format, depth, problems)
    return { exportName: exp.name, runId: run.runId, location: files.location, depth, files: expected.length, filesRead, latest, problems }
  } finally {
    await files.close()
  }
}

/** The run's own manifest, or null with the problem noted. */
async function readManifest(files: StoredFiles, runId: string, problems: ValidateProblem[]): Promise<RunManifest | null> {
  const name = runManifestName(runId)
  const bytes = await files.readSmall(name)
  if (bytes === null) {
    problems.push({ kind: 'manifest_missing', file: name, message: `${name} is missing at ${files.location}` })
    return null
  }
  const parsed = parseManifest(bytes)
  if (typeof parsed === 'string') {
    problems.push({ kind: 'manifest_unreadable', file: name, message: `${name} cannot be read: ${parsed}` })
    return null
  }
  return parsed
}

/** `_SUCCESS` and `manifest.json` of the run's location must name it when it is the latest there. */
async function checkSeal(files: StoredFiles, runId: string): Promise<ValidateProblem[]> {
  const problems: ValidateProblem[] = []
  for (const name of [SUCCESS_NAME, MANIFEST_NAME]) {
    const bytes = await files.readSmall(name)
    let named: unknown
    try {
      named = bytes === null ? undefined : (JSON.parse(bytes.toString('utf8')) as { run_id?: unknown }).run_id
    } catch {
      named = undefined
    }
    if (named === runId) continue
    const found = bytes === null ? 'is missing' : typeof named === 'string' ? `names run ${named}` : 'cannot be read'
    problems.push({ kind: 'success_mismatch', file: name, message: `${name} ${found}; it should name run ${runId}, the latest completed run at ${files.location}` })
  }
  return problems
}

/** Existence and size of every file; checksum and rows of the sample (or of all, at depth full). Returns how many were read. */
async function checkStoredFiles(
  files: StoredFiles,
  expected: readonly ExpectedFile[],
  format: Pick<RunManifest, 'format' | 'compression'>,
  depth: ValidateDepth,
  problems: ValidateProblem[],
): Promise<number> {
  const intact: ExpectedFile[] = []
  for (const f of expected) {
    const size = await files.size(f.name)
    if (size === null) problems.push({ kind: 'file_missing', file: f.name, message: `${f.name} is missing at ${files.location}` })
    else if (size !== f.bytes) problems.push({ kind: 'size_mismatch', file: f.name, message: `${f.name} holds ${size} bytes, the manifest says ${f.bytes}` })
    else intact.push(f)
  }
  if (depth === 'light') return 0
  const toRead = depth === 'full' ? intact : sampleFiles(expected).filter((f) => intact.includes(f))
  for (const f of toRead) problems.push(...(await checkContent(files, f, format)))
  return toRead.length
}

async function checkContent(files: StoredFiles, f: ExpectedFile, format: Pick<RunManifest, 'format' | 'compression'>): Promise<ValidateProblem[]> {
  try {
    const facts = await inspectFile(files, { name: f.name, bytes: f.bytes, format: format.format, compression: format.compression })
    const problems: ValidateProblem[] = []
    if (facts.xxh3 !== f.xxh3) problems.push({ kind: 'checksum_mismatch', file: f.name, message: `${f.name} has xxh3 ${facts.xxh3}, the manifest says ${f.xxh3}` })
    if (typeof facts.rows !== 'number') problems.push({ kind: 'unreadable', file: f.name, message: `${f.name} cannot be read as ${format.format}: ${facts.rows.message}` })
    else if (facts.rows !== f.rows) problems.push({ kind: 'row_mismatch', file: f.name, message: `${f.name} holds ${facts.rows} rows, the manifest says ${f.rows}` })
    return problems
  } catch (err) {
    const error = toRivetError(err)
    // a store that stopped answering fails the command (exit 2); anything else is this file's problem
    if (error.retryable) throw error
    return [{ kind: 'unreadable', file: f.name, message: `${f.name} cannot be read as ${format.format}: ${error.message}` }]
  }
}
