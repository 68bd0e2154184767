import { Command, Option } from 'clipanion'
import * as t from 'typanion'
import { RivetError } from '../../../errors/index.js'
import type { CursorRecord, ResetExportInput, ResetExportResult, StateStore } from '../../../state/index.js'
import { RivetCommand } from '../../base-command.js'

/** `rivet state reset`: forget an export's cursor and/or chunk checkpoints. */
export class StateResetCommand extends RivetCommand {
  static override paths = [['state', 'reset']]
  static override usage = Command.Usage({
    category: 'State',
    description: "clear an export's incremental cursor and chunk checkpoints",
    details: `
      Without --chunks-only or --cursor-only, clears both. Clearing the cursor makes the next incremental run export the whole table again; clearing the chunk checkpoints means \`rivet run --resume\` finds nothing to continue and the next run starts over. Runs and the file manifest are history and stay. Refused while a run of the export is in progress.
    `,
    examples: [
      ['Start an export from scratch', '$0 state reset -c rivet.yaml -e orders'],
      ['Forget unfinished chunks, keep the cursor', '$0 state reset -c rivet.yaml -e orders --chunks-only'],
      ['Re-export everything on the next incremental run', '$0 state reset -c rivet.yaml -e orders --cursor-only'],
    ],
  })

  static override schema = [t.hasMutuallyExclusiveKeys(['chunksOnly', 'cursorOnly'], { missingIf: 'falsy' })]

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  export = Option.String('-e,--export', { required: true, description: 'The export to reset' })
  chunksOnly = Option.Boolean('--chunks-only', false, { description: 'Clear the chunk checkpoints only' })
  cursorOnly = Option.Boolean('--cursor-only', false, { description: 'Clear the cursor only' })

  protected async run(): Promise<number> {
    this.out(`${await resetExportState(this.config, this.export, { cursor: !this.chunksOnly, chunks: !this.cursorOnly })}\n`)
    return 0
  }
}

/** Clear what `what` names for an export (refused while one of its runs is in progress); one line saying what was cleared. */
export async function resetExportState(configPath: string, exportName: string, what: ResetExportInput): Promise<string> {
  const { openStateForConfig, requireExportName } = await import('../../state-access.js')
  await requireExportName(configPath, exportName)
  const state = openStateForConfig(configPath)
  if (state === null) return `export ${exportName}: nothing to clear (no state file yet)`
  try {
    refuseWhileRunning(state, exportName)
    const cursor = state.getCursor(exportName)
    return describeReset(exportName, state.resetExport(exportName, what), cursor)
  } finally {
    state.close()
  }
}

/** A run in progress owns its chunks: clearing them under it would fail the run. */
function refuseWhileRunning(state: StateStore, exportName: string): void {
  const stale = new Set(state.findStaleRuns(exportName).map((r) => r.runId))
  const live = state.listRuns({ exportName, status: 'running' }).find((r) => !stale.has(r.runId))
  if (live === undefined) return
  throw new RivetError('RIVET_STATE_LOCKED', `export ${exportName} has a run in progress (run ${live.runId}, pid ${live.pid} on ${live.hostname}); not resetting it`, {
    hint: 'wait for the run to finish (or stop it), then reset',
    details: { exportName, runId: live.runId, pid: live.pid, hostname: live.hostname },
  })
}

/** One line saying what was cleared. */
function describeReset(exportName: string, result: ResetExportResult, cursor: CursorRecord | undefined): string {
  const cleared: string[] = []
  if (result.cursorCleared && cursor) cleared.push(`the cursor (was ${cursor.value}, ${cursor.type}, set by run ${cursor.runId})`)
  if (result.chunkTasksCleared > 0) cleared.push(`${result.chunkTasksCleared} chunk checkpoint${result.chunkTasksCleared === 1 ? '' : 's'}`)
  return cleared.length === 0 ? `export ${exportName}: nothing to clear` : `export ${exportName}: cleared ${cleared.join(' and ')}`
}
