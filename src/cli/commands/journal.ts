import { Command, Option } from 'clipanion'
import { RivetError } from '../../errors/index.js'
import type { JournalEvent, JournalEventKind, RunRecord } from '../../state/index.js'
import { RivetCommand } from '../base-command.js'
import { formatCount, formatDuration, renderTable } from '../render/format.js'
import { parseLimit } from './state/files.js'

const KINDS: readonly JournalEventKind[] = ['plan', 'file', 'chunk', 'retry', 'warning', 'drift', 'quality', 'outcome', 'recovery']

/** `rivet journal`: what happened during a run, event by event. */
export class JournalCommand extends RivetCommand {
  static override paths = [['journal']]
  static override usage = Command.Usage({
    category: 'State',
    description: 'show the journal of a run: plan, files, chunks, retries, warnings and outcome',
    details: `
      Every run records its events in the state store as they happen: the plan it chose, each file it published, each chunk it completed, each retry (with the error and the wait), each warning, how a crashed run was recovered, and how the run ended. Without --run-id the latest run of the export is shown.
    `,
    examples: [
      ['The latest run of an export', '$0 journal -c rivet.yaml -e orders'],
      ['Only the retries of one run, as JSON', '$0 journal -c rivet.yaml -e orders --run-id 20261124T215312Z-4f2a --kind retry --json'],
    ],
  })

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  export = Option.String('-e,--export', { required: true, description: 'The export whose run to show' })
  runId = Option.String('--run-id', { description: 'This run instead of the latest one' })
  kind = Option.String('--kind', { description: `Only events of this kind (${KINDS.join(', ')})` })
  limit = Option.String('--limit', '1000', { description: 'At most this many events, the latest ones (default 1000)' })
  json = Option.Boolean('--json', false, { description: 'Print JSON' })

  protected async run(): Promise<number> {
    if (this.kind !== undefined && !(KINDS as readonly string[]).includes(this.kind)) {
      throw new RivetError('RIVET_USAGE', `--kind ${this.kind} is not an event kind`, { hint: `use one of ${KINDS.join(', ')}` })
    }
    const limit = parseLimit(this.limit)
    const { openStateForConfig, requireExportName } = await import('../state-access.js')
    await requireExportName(this.config, this.export)
    const state = openStateForConfig(this.config)
    let run: RunRecord | undefined
    let events: JournalEvent[] = []
    try {
      run = this.runId !== undefined ? state?.getRun(this.runId) : state?.listRuns({ exportName: this.export, limit: 1 })[0]
      if (this.runId !== undefined && (run === undefined || run.exportName !== this.export)) {
        throw new RivetError('RIVET_USAGE', `run ${this.runId} is not a run of export ${this.export}`, { hint: `list the runs with \`rivet metrics -c ${this.config} -e ${this.export}\`` })
      }
      if (run !== undefined && state) events = state.listEvents({ runId: run.runId, kind: this.kind as JournalEventKind | undefined, limit })
    } finally {
      state?.close()
    }
    if (this.json) {
      this.out(`${JSON.stringify({ exportName: this.export, run: run ?? null, events }, null, 2)}\n`)
      return 0
    }
    if (run === undefined) {
      this.out(`no runs recorded for export ${this.export} — run \`rivet run -c ${this.config} -e ${this.export}\` first\n`)
      return 0
    }
    this.out(`${describeRun(run)}\n`)
    if (events.length === 0) {
      this.out(this.kind === undefined ? 'no events recorded for this run\n' : `no ${this.kind} events in this run\n`)
      return 0
    }
    const start = run.startedAt.getTime()
    this.out(renderTable(['+time', 'kind', 'event'], events.map((e) => [formatOffset(e.at.getTime() - start), e.kind, e.message])))
    return 0
  }
}

/** One line about the run: id, status, start, and how it ended. */
function describeRun(run: RunRecord): string {
  const parts = [`export ${run.exportName}, run ${run.runId}: ${run.status}`, `started ${run.startedAt.toISOString()}`]
  if (run.durationMs !== null) parts.push(`took ${formatDuration(run.durationMs)}`)
  if (run.rows !== null) parts.push(`${formatCount(run.rows)} rows`)
  if (run.errorCode !== null) parts.push(`${run.errorCode}: ${run.errorMessage ?? ''}`)
  return parts.join(', ')
}

/** Time since the run started: `+12.345s`, or `+3m04.5s`. */
function formatOffset(ms: number): string {
  const seconds = Math.max(0, ms) / 1000
  if (seconds < 60) return `+${seconds.toFixed(3)}s`
  const minutes = Math.floor(seconds / 60)
  return `+${minutes}m${(seconds - minutes * 60).toFixed(1).padStart(4, '0')}s`
}
