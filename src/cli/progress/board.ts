import { ProgressMeter } from '../../engine/index.js'
import type { ExportProgress, ExportResult, ProgressSnapshot, RunObserver } from '../../engine/index.js'

/** How an export finished, as a progress display shows it. */
export interface FinishedExport {
  readonly status: 'completed' | 'failed'
  readonly rows: number
  readonly bytes: number
  readonly files: number
  readonly durationMs: number
  readonly error: { readonly code: string; readonly message: string } | null
}

/** One export of the run, as progress displays see it. */
export type BoardEntry =
  | { readonly state: 'waiting'; readonly name: string }
  | { readonly state: 'starting'; readonly name: string; readonly since: number }
  | { readonly state: 'running'; readonly name: string; readonly snapshot: ProgressSnapshot }
  | { readonly state: 'done'; readonly name: string; readonly finished: FinishedExport; readonly last: ProgressSnapshot | null }

/** Where a running export's figures come from: its live counters (this process) or the latest event of a child process. */
type Source = { readonly kind: 'meter'; readonly meter: ProgressMeter } | { readonly kind: 'reported'; snapshot: ProgressSnapshot; readonly at: number }

interface Slot {
  state: 'waiting' | 'starting' | 'running' | 'done'
  since: number
  source: Source | null
  finished: FinishedExport | null
  last: ProgressSnapshot | null
}

/**
 * What every progress display shows, kept in one place: the exports of the run in config order,
 * each waiting, starting, running (with its latest figures) or done. Displays read `entries()` at
 * their own pace; the engine (RunObserver) or a child process's events (`report`) feed it.
 */
export class ProgressBoard implements RunObserver {
  private readonly slots = new Map<string, Slot>()
  parallel = false

  runStarted(exports: readonly string[], parallel: boolean): void {
    this.parallel = parallel
    for (const name of exports) if (!this.slots.has(name)) this.slots.set(name, { state: 'waiting', since: Date.now(), source: null, finished: null, last: null })
  }

  exportStarted(exportName: string): void {
    const slot = this.slot(exportName)
    Object.assign(slot, { state: 'starting', since: Date.now(), source: null, finished: null })
  }

  exportProgress(progress: ExportProgress): void {
    const slot = this.slot(progress.exportName)
    Object.assign(slot, { state: 'running', source: { kind: 'meter', meter: new ProgressMeter(progress) } })
  }

  exportFinished(result: ExportResult): void {
    this.finish(result.exportName, {
      status: result.status,
      rows: result.rows,
      bytes: result.bytes,
      files: result.files.length,
      durationMs: result.durationMs,
      error: result.error === null ? null : { code: result.error.code, message: result.error.message },
    })
  }

  /** A snapshot reported by the process running the export (`--parallel-export-processes`). */
  report(snapshot: ProgressSnapshot): void {
    const slot = this.slot(snapshot.export)
    if (slot.state === 'done') return
    Object.assign(slot, { state: 'running', source: { kind: 'reported', snapshot, at: Date.now() } })
  }

  finish(exportName: string, finished: FinishedExport): void {
    const slot = this.slot(exportName)
    const last = slot.state === 'running' ? this.snapshotOf(slot, Date.now()) : slot.last
    Object.assign(slot, { state: 'done', source: null, finished, last })
  }

  /** Every export, in run order, with its figures as of `now`. */
  entries(now = Date.now()): BoardEntry[] {
    return [...this.slots].map(([name, slot]): BoardEntry => {
      switch (slot.state) {
        case 'waiting':
          return { state: 'waiting', name }
        case 'starting':
          return { state: 'starting', name, since: slot.since }
        case 'running':
          return { state: 'running', name, snapshot: (slot.last = this.snapshotOf(slot, now)) }
        case 'done':
          return { state: 'done', name, finished: slot.finished!, last: slot.last }
      }
    })
  }

  /** The figures of the running exports as of `now`. */
  running(now = Date.now()): ProgressSnapshot[] {
    return this.entries(now).flatMap((e) => (e.state === 'running' ? [e.snapshot] : []))
  }

  private snapshotOf(slot: Slot, now: number): ProgressSnapshot {
    const source = slot.source!
    if (source.kind === 'meter') return source.meter.snapshot(now)
    // a child's figures age between its events: the clocks keep running
    const age = now - source.at
    const s = source.snapshot
    return { ...s, elapsedMs: s.elapsedMs + age, statementMs: s.statementMs === null ? null : s.statementMs + age }
  }

  private slot(name: string): Slot {
    let slot = this.slots.get(name)
    if (slot === undefined) {
      slot = { state: 'waiting', since: Date.now(), source: null, finished: null, last: null }
      this.slots.set(name, slot)
    }
    return slot
  }
}
