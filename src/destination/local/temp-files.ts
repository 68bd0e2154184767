import type { Dirent } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { errnoCode, toDestWriteError } from './fs-errors.js'

const TEMP_MARKER = '.rivet-tmp-'

/** Temporary name of a file being written: hidden, in the same directory, tagged with the run id. */
export function tempFileName(finalName: string, runId: string): string {
  return `.${finalName}${TEMP_MARKER}${runId}`
}

/** The run id a temporary file name belongs to, or undefined when the name is not one of ours. */
export function tempFileRunId(name: string): string | undefined {
  if (!name.startsWith('.')) return undefined
  const at = name.lastIndexOf(TEMP_MARKER)
  // at > 1: a final name of at least one character sits between the dot and the marker.
  if (at <= 1) return undefined
  const runId = name.slice(at + TEMP_MARKER.length)
  return runId.length > 0 ? runId : undefined
}

/** Delete the temporary files that the given (interrupted) runs left in `dir`; returns the paths removed. */
export async function removeStaleTempFiles(dir: string, runIds: readonly string[]): Promise<string[]> {
  const wanted = new Set(runIds)
  if (wanted.size === 0) return []
  let entries: Dirent[]
  try {
    entries = await fs.readdir(dir, { withFileTypes: true })
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return []
    throw toDestWriteError(err, 'list', dir)
  }
  const removed: string[] = []
  for (const entry of entries) {
    const runId = tempFileRunId(entry.name)
    // Regular files only: never follow or remove a symlink or directory that happens to match.
    if (!entry.isFile() || runId === undefined || !wanted.has(runId)) continue
    const file = path.join(dir, entry.name)
    try {
      await fs.unlink(file)
      removed.push(file)
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw toDestWriteError(err, 'remove', file)
    }
  }
  return removed
}
