import { randomBytes } from 'node:crypto'
import { accessSync, closeSync, constants, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import type { RunReport } from '../engine/index.js'
import { RivetError, toRivetError } from '../errors/index.js'
import { renderSummaryDocument, toSummaryDocument } from '../report/index.js'
import type { SummaryDocument } from '../report/index.js'

/**
 * `--summary-output FILE` of `rivet run` and `rivet apply`. The file is written whatever the run's
 * outcome, and written whole or not at all (a temp file in the same folder, renamed into place).
 *
 * Exit codes: a run that failed keeps its own exit code even when the file cannot be written (the
 * write error is printed too); a run that completed but whose summary cannot be written exits 1
 * with RIVET_SUMMARY_WRITE, so a scheduler that reads the file notices it is missing.
 */

/** Check the path before the run, so a long run does not end on a path that could never be written. Returns it absolute. */
export function checkSummaryOutput(path: string): string {
  if (path === '-' || path.trim() === '') {
    throw new RivetError('RIVET_USAGE', `--summary-output ${path === '-' ? '-' : '""'} is not allowed: standard output carries the run report or the exported data`, {
      hint: 'give the path of a file, for example --summary-output run-summary.json',
    })
  }
  const absolute = resolve(path)
  const problem = pathProblem(absolute)
  if (problem !== null) throw summaryWriteError(absolute, problem)
  return absolute
}

/** Write the summary of a run that produced a report; returns the exit code of the command. */
export function saveRunSummary(path: string | null, report: RunReport, reportError: (error: RivetError) => number): number {
  if (path === null) return report.exitCode
  const document = toSummaryDocument({ config: report.configPath, exitCode: report.exitCode, error: null, exports: report.results.map((r) => r.summary) })
  const failure = writeSummaryFile(path, document)
  if (failure === null) return report.exitCode
  const writeExit = reportError(failure)
  // the run's own failure is what schedulers act on: it wins over the summary's
  return report.exitCode !== 0 ? report.exitCode : writeExit
}

/**
 * Run the command's work; when it throws before producing a report (bad config, refused plan...),
 * write a summary that carries the error and no exports, then let the error go on.
 */
export async function withSummaryOnError<T>(path: string | null, config: string | null, work: () => Promise<T>, reportError: (error: RivetError) => number): Promise<T> {
  try {
    return await work()
  } catch (err) {
    if (path !== null) {
      const error = toRivetError(err)
      const failure = writeSummaryFile(path, toSummaryDocument({ config, exitCode: error.exitCode, error: { code: error.code, message: error.message }, exports: [] }))
      if (failure !== null) reportError(failure)
      throw error
    }
    throw err
  }
}

/** Write the document atomically; the error instead of throwing it, so the caller picks the exit code. */
export function writeSummaryFile(path: string, document: SummaryDocument): RivetError | null {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const fd = openSync(temp, 'wx', 0o644)
    try {
      writeSync(fd, renderSummaryDocument(document))
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temp, path)
    return null
  } catch (err) {
    rmSync(temp, { force: true })
    return summaryWriteError(path, describeFsError(err), err)
  }
}

/** Why the path cannot take the file, or null when it looks writable. */
function pathProblem(path: string): string | null {
  try {
    if (statSync(path).isDirectory()) return 'it is a folder'
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return describeFsError(err)
  }
  const folder = dirname(path)
  try {
    if (!statSync(folder).isDirectory()) return `${folder} is not a folder`
    accessSync(folder, constants.W_OK)
    return null
  } catch (err) {
    return describeFsError(err)
  }
}

function summaryWriteError(path: string, reason: string, cause?: unknown): RivetError {
  return new RivetError('RIVET_SUMMARY_WRITE', `cannot write the run summary to ${path}: ${reason}`, { details: { path }, cause })
}

/** A file-system error in words, without the stack. */
function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code
  switch (code) {
    case 'ENOENT':
      return 'its folder does not exist'
    case 'ENOTDIR':
      return 'a part of its path is not a folder'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EISDIR':
      return 'it is a folder'
    case 'ENOSPC':
      return 'no space left on the device'
    case 'EROFS':
      return 'the file system is read-only'
    default:
      return err instanceof Error ? err.message : String(err)
  }
}
