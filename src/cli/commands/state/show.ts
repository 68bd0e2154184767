import { hostname } from 'node:os'
import { Command, Option } from 'clipanion'
import { isStaleLock } from '../../../state/index.js'
import type { CursorRecord, ExportLockRecord, RunRecord, StateStore } from '../../../state/index.js'
import { RivetCommand } from '../../base-command.js'
import { formatBytes, formatCount } from '../../render/format.js'

/** What the state knows about one export. */
export interface ExportStateView {
  readonly exportName: string
  readonly lastRun: RunRecord | null
  readonly lastCompletedRun: RunRecord | null
  readonly cursor: CursorRecord | null
  /** The run holding the export's lock; `stale` when its process is gone (the next run takes it over). */
  readonly lock: (ExportLockRecord & { readonly stale: boolean }) | null
  /** An interrupted checkpointed run that `rivet run --resume` would continue. */
  readonly resumable: { readonly runId: string; readonly chunksCompleted: number; readonly chunks: number } | null
  readonly committedFiles: number
  readonly committedBytes: number
}

/** `rivet state show`: the state of each export at a glance. */
export class StateShowCommand extends RivetCommand {
  static override paths = [['state', 'show']]
  static override usage = Command.Usage({
    category: 'State',
    description: 'show what the state knows about each export: last run, cursor, lock, resumable chunks',
    details: `
      For every export of the config (or the ones given with -e): where the state lives, the latest run and the latest completed run, the incremental cursor, the run holding the export's lock (and whether its process is gone), an interrupted checkpointed run that \`rivet run --resume\` would continue, and the files published so far.
    `,
    examples: [
      ['Every export of a config', '$0 state show -c rivet.yaml'],
      ['One export as JSON', '$0 state show -c rivet.yaml -e orders --json'],
    ],
  })

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  exports = Option.Array('-e,--export', { description: 'Only this export (repeatable)' })
  json = Option.Boolean('--json', false, { description: 'Print JSON' })

  protected async run(): Promise<number> {
    const { loadConfig, selectExports } = await import('../../../config/index.js')
    const config = loadConfig(this.config)
    const names = (this.exports && this.exports.length > 0 ? selectExports(config, this.exports) : config.exports).map((e) => e.name)
    const { openStateForConfig } = await import('../../state-access.js')
    const state = openStateForConfig(this.config)
    let location: string | null = null
    let views: ExportStateView[] = []
    try {
      location = state?.describeLocation() ?? null
      views = names.map((name) => (state ? viewExport(state, name) : emptyView(name)))
    } finally {
      state?.close()
    }
    if (this.json) {
      this.out(`${JSON.stringify({ state: location, exports: views }, null, 2)}\n`)
      return 0
    }
    this.out(location === null ? 'state: none yet (no run was ever recorded)\n' : `state: ${location}\n`)
    for (const view of views) this.out(`\n${renderView(view)}`)
    return 0
  }
}

function viewExport(state: StateStore, exportName: string): ExportStateView {
  const lastRun = state.listRuns({ exportName, limit: 1 })[0] ?? null
  const lastCompletedRun = lastRun?.status === 'completed' ? lastRun : (state.listRuns({ exportName, status: 'completed', limit: 1 })[0] ?? null)
  const lock = state.getExportLock(exportName)
  const resumableRun = state.findResumableRun(exportName)
  const tasks = resumableRun === undefined ? [] : state.listChunkTasks({ runId: resumableRun.runId })
  const files = state.listFiles({ exportName })
  return {
    exportName,
    lastRun,
    lastCompletedRun,
    cursor: state.getCursor(exportName) ?? null,
    lock: lock === undefined ? null : { ...lock, stale: isStaleLock(lock, hostname(), new Date()) },
    resumable: resumableRun === undefined ? null : { runId: resumableRun.runId, chunksCompleted: tasks.filter((t) => t.status === 'completed').length, chunks: tasks.length },
    committedFiles: files.length,
    committedBytes: files.reduce((n, f) => n + f.bytes, 0),
  }
}

function emptyView(exportName: string): ExportStateView {
  return { exportName, lastRun: null, lastCompletedRun: null, cursor: null, lock: null, resumable: null, committedFiles: 0, committedBytes: 0 }
}

function renderView(v: ExportStateView): string {
  const lines = [`export ${v.exportName}`]
  lines.push(`  last run:       ${v.lastRun === null ? 'none' : describeRun(v.lastRun)}`)
  if (v.lastRun !== null && v.lastRun.status !== 'completed') {
    lines.push(`  last completed: ${v.lastCompletedRun === null ? 'none' : describeRun(v.lastCompletedRun)}`)
  }
  if (v.cursor !== null) lines.push(`  cursor:         ${v.cursor.value} (${v.cursor.type}), set by run ${v.cursor.runId} at ${v.cursor.updatedAt.toISOString()}`)
  if (v.lock !== null) {
    lines.push(`  lock:           held by run ${v.lock.runId} (pid ${v.lock.pid} on ${v.lock.hostname}) since ${v.lock.acquiredAt.toISOString()}${v.lock.stale ? ' — its process is gone; the next run takes it over' : ''}`)
  }
  if (v.resumable !== null) {
    lines.push(`  resumable:      run ${v.resumable.runId}, ${v.resumable.chunksCompleted} of ${v.resumable.chunks} chunks completed (rivet run --resume -e ${v.exportName})`)
  }
  lines.push(`  published:      ${formatCount(v.committedFiles)} file(s), ${formatBytes(v.committedBytes)}`)
  return `${lines.join('\n')}\n`
}

function describeRun(run: RunRecord): string {
  const when = (run.finishedAt ?? run.startedAt).toISOString()
  const rows = run.rows === null ? '' : `, ${formatCount(run.rows)} rows`
  const error = run.errorCode === null ? '' : `, ${run.errorCode}`
  return `${run.runId} ${run.status} at ${when}${rows}${error}`
}
