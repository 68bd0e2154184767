import type { ResolvedConfig, ResolvedExport } from '../config/index.js'
import { batchTargetBytes } from '../plan/index.js'
import type { ConnectionBudget } from '../source/connection-budget.js'
import { openPgClient, pgConnectionBudget, toConnectParams } from '../source/pg/index.js'
import type { StateStore } from '../state/index.js'
import { BASE_MEMORY_MB, BATCH_COPIES_PER_READER } from './memory.js'

const MB = 1024 * 1024

/** Probe how many connections the source can spare now, on one short connection closed after. */
export async function probeSourceBudget(config: ResolvedConfig): Promise<ConnectionBudget> {
  const connect = toConnectParams(config.source.connection, config.configDir)
  if (config.source.type === 'mysql') {
    const { mysqlConnectionBudget, openMysqlConnection } = await import('../source/mysql/index.js')
    const session = await openMysqlConnection(connect)
    try {
      return await mysqlConnectionBudget(session.connection)
    } finally {
      await session.close().catch(() => undefined)
    }
  }
  const client = await openPgClient(connect)
  try {
    return await pgConnectionBudget(client)
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** Connections an export reads with at most: its chunk readers, or one. */
export function connectionsWanted(exp: ResolvedExport): number {
  return exp.chunked?.parallel ?? 1
}

/** Memory one reader of an export holds: its batches in flight (the model `rivet check` reports). */
export function readerMemoryMb(exp: ResolvedExport): number {
  return (batchTargetBytes(exp) * BATCH_COPIES_PER_READER) / MB
}

/**
 * Longest first: exports by the duration of their last completed run, longest first, so the long
 * ones start early and the short ones fill the gaps; an export that never completed counts as
 * longest (its length is unknown). Ties keep the config order.
 */
export function longestFirst(exports: readonly ResolvedExport[], state: StateStore): ResolvedExport[] {
  const last = new Map(exports.map((e) => [e.name, state.listRuns({ exportName: e.name, status: 'completed', limit: 1 })[0]?.durationMs ?? Infinity]))
  return [...exports].sort((a, b) => last.get(b.name)! - last.get(a.name)!)
}

/** What an export is granted to run with. */
export interface Grant {
  /** Connections (readers) the export may open at once. */
  readonly connections: number
  readonly memoryMb: number
}

/**
 * Shares one source's connection budget and one memory budget between exports running at once.
 * Exports are considered in the order given (longest first); one starts as soon as the
 * connections and memory it needs are free — a later, smaller export may start before an earlier
 * one that does not fit yet. An export wanting more than the whole budget is granted the whole
 * budget (its readers are clamped to it).
 */
export class ExportScheduler {
  private freeConnections: number
  private freeMemoryMb: number
  private readonly queue: { readonly need: Grant; readonly grant: (g: Grant) => void }[] = []

  constructor(
    readonly connections: number,
    readonly memoryMb: number,
  ) {
    this.freeConnections = connections
    this.freeMemoryMb = memoryMb
  }

  /** Wait for room for an export that wants `connections` readers of `readerMb` each; resolves with what it may use. */
  acquire(connections: number, readerMb: number): Promise<Grant> {
    const granted = Math.max(1, Math.min(connections, this.connections, Math.floor(this.memoryMb / Math.max(readerMb, 1e-9)) || 1))
    const need = { connections: granted, memoryMb: Math.min(this.memoryMb, granted * readerMb) }
    return new Promise((resolve) => {
      this.queue.push({ need, grant: resolve })
      this.dispatch()
    })
  }

  /** Give back what a finished export held. */
  release(grant: Grant): void {
    this.freeConnections += grant.connections
    this.freeMemoryMb += grant.memoryMb
    this.dispatch()
  }

  private dispatch(): void {
    for (let i = 0; i < this.queue.length; ) {
      const { need, grant } = this.queue[i]!
      if (need.connections <= this.freeConnections && need.memoryMb <= this.freeMemoryMb + 1e-9) {
        this.queue.splice(i, 1)
        this.freeConnections -= need.connections
        this.freeMemoryMb -= need.memoryMb
        grant(need)
      } else {
        i++
      }
    }
  }
}

/** The memory exports may share: the smallest `tuning.memory_mb` among them, less the process's base. */
export function sharedMemoryMb(exports: readonly ResolvedExport[]): number {
  return Math.max(1, Math.min(...exports.map((e) => e.tuning.memoryMb)) - BASE_MEMORY_MB)
}
