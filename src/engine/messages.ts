import type { RivetErrorJSON } from '../errors/index.js'
import type { ReadProfile } from '../quality/types.js'
import type { CursorAdvance } from '../source/pg/index.js'

/**
 * Messages between the coordinator (main thread) and an extraction worker, over the
 * MessagePort handed to the worker with its task. Arrow data only ever crosses as IPC
 * bytes in a transferred ArrayBuffer.
 */
export type WorkerToCoordinator =
  | {
      readonly type: 'batch'
      readonly seq: number
      readonly ipc: ArrayBuffer
      readonly rows: number
      readonly rawBytes: number
      /** One buffer of 64-bit row keys per unique check of the export (see src/quality), when profiled. */
      readonly keys?: readonly ArrayBuffer[]
    }
  /** A source statement starts (progress shows how long the open one has been running). */
  | { readonly type: 'statement-start' }
  | { readonly type: 'statement'; readonly ms: number; readonly rows: number; readonly bytes: number; readonly sizeHint: number }
  | { readonly type: 'log'; readonly level: 'info' | 'warn'; readonly message: string }

export type CoordinatorToWorker =
  /** One batch was encoded and written: the worker may send another. */
  | { readonly type: 'ack'; readonly seq: number }
  | { readonly type: 'cancel' }

/** What an extraction task resolves to: counters on success, the error as data on failure. */
export type ExtractOutcome =
  | { readonly ok: true; readonly rows: number; readonly batches: number; readonly stats: ExtractStats; readonly cursor?: CursorAdvance; readonly profile?: ReadProfile }
  | { readonly ok: false; readonly error: RivetErrorJSON; readonly rows: number }

/** Source-side statistics of one extraction, reported in the run summary. */
export interface ExtractStats {
  readonly strategy: string
  readonly statements: number
  readonly maxStatementMs: number
  readonly totalStatementMs: number
  readonly sourceBytes: number
  readonly finalChunkSize: number
  readonly minChunkSize: number
  readonly maxChunkSize: number
  /** MySQL: zero dates written as NULL, per column. */
  readonly zeroDates?: Readonly<Record<string, number>>
  /** Retries of the run (whole-export and chunk retries); set by the coordinator on the run's totals. */
  readonly retries?: number
}
