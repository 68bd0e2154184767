import type { RowStatus } from './types.js'
import { rowStatus } from './types.js'

/** The chunk records and files of one checkpointed run, as the state holds them. */
export interface ChunkRunFacts {
  readonly runId: string
  readonly tasks: readonly { readonly index: number; readonly lo: string | null; readonly hi: string | null; readonly status: string; readonly rows: number | null }[]
  readonly files: readonly { readonly rows: number; readonly chunkIndex: number | null; readonly committed: boolean }[]
}

/** One chunk of the original run and the run whose output now stands for it. */
export interface CoveredChunk {
  readonly index: number
  readonly lo: string | null
  readonly hi: string | null
  /** The original run, or the latest repair run that completed this chunk with the same bounds. */
  readonly runId: string
  /** Rows the chunk record says it read. */
  readonly recordedRows: number
  /** Rows in that run's committed files of this chunk. */
  readonly fileRows: number
}

/**
 * Per chunk of the original run, the latest coverage: the newest of the original run and its
 * repair runs (given oldest first) that completed a chunk of the same index and bounds. A repair
 * run replaces exactly the chunks it read again; the others keep the original's files.
 */
export function latestCoverage(original: ChunkRunFacts, repairs: readonly ChunkRunFacts[]): CoveredChunk[] {
  const newestFirst = [...repairs].reverse().concat(original)
  return original.tasks.map((task) => {
    const run = newestFirst.find((r) => r.tasks.some((t) => t.index === task.index && t.lo === task.lo && t.hi === task.hi && t.status === 'completed')) ?? original
    const covering = run.tasks.find((t) => t.index === task.index)!
    const fileRows = run.files.filter((f) => f.committed && f.chunkIndex === task.index).reduce((n, f) => n + f.rows, 0)
    return { index: task.index, lo: task.lo, hi: task.hi, runId: run.runId, recordedRows: covering.rows ?? 0, fileRows }
  })
}

/** A chunk's status: its files against the source; `files_differ` when its record and its files disagree. */
export type ChunkStatus = RowStatus | 'files_differ'

export function chunkStatus(sourceRows: number, chunk: Pick<CoveredChunk, 'recordedRows' | 'fileRows'>): ChunkStatus {
  if (chunk.recordedRows !== chunk.fileRows) return 'files_differ'
  return rowStatus(sourceRows, chunk.fileRows)
}
