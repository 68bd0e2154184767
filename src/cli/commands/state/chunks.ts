import { Command, Option } from 'clipanion'
import type { ChunkTaskRecord, ChunkTaskStatus } from '../../../state/index.js'
import { RivetCommand } from '../../base-command.js'
import { formatBytes, formatCount, renderTable } from '../../render/format.js'

const STATUSES: readonly ChunkTaskStatus[] = ['completed', 'pending', 'running', 'failed']

/** `rivet state chunks`: the chunk checkpoints of a chunked run. */
export class StateChunksCommand extends RivetCommand {
  static override paths = [['state', 'chunks']]
  static override usage = Command.Usage({
    category: 'State',
    description: 'list the chunk checkpoints of a chunked run',
    details: `
      Shows every chunk of the latest run of the export that recorded chunks (or of the run given with --run-id): its status, how many times it was started, the rows it wrote, its bounds and the error of its last failed attempt. \`rivet run --resume\` continues such a run from its unfinished chunks.
    `,
    examples: [
      ['Chunks of the latest chunked run of an export', '$0 state chunks -c rivet.yaml -e orders'],
      ['Chunks of one run as JSON', '$0 state chunks -c rivet.yaml -e orders --run-id 20261124T215312Z-4f2a --json'],
    ],
  })

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  export = Option.String('-e,--export', { required: true, description: 'The export whose chunks to list' })
  runId = Option.String('--run-id', { description: 'This run instead of the latest one with chunks' })
  json = Option.Boolean('--json', false, { description: 'Print JSON' })

  protected async run(): Promise<number> {
    const { openStateForConfig, requireExportName } = await import('../../state-access.js')
    await requireExportName(this.config, this.export)
    const state = openStateForConfig(this.config)
    let chunks: ChunkTaskRecord[] = []
    try {
      chunks = state?.listChunkTasks({ exportName: this.export, runId: this.runId }) ?? []
    } finally {
      state?.close()
    }
    // Oldest run first: the last chunk belongs to the latest run.
    const runId = this.runId ?? chunks[chunks.length - 1]?.runId ?? null
    const shown = chunks.filter((c) => c.runId === runId)
    const counts = countByStatus(shown)
    if (this.json) {
      this.out(`${JSON.stringify({ exportName: this.export, runId: shown.length > 0 ? runId : null, counts, chunks: shown }, null, 2)}\n`)
      return 0
    }
    if (shown.length === 0) {
      const scope = this.runId === undefined ? `export ${this.export}` : `run ${this.runId} of export ${this.export}`
      this.out(`no chunk checkpoints recorded for ${scope}\n`)
      return 0
    }
    const rows = shown.map((c) => [
      String(c.index),
      c.status,
      String(c.attempts),
      c.rows === null ? '-' : formatCount(c.rows),
      c.bytes === null ? '-' : formatBytes(c.bytes),
      `${c.lo ?? '-∞'} .. ${c.hi ?? '+∞'}`,
      c.errorCode === null ? '' : `${c.errorCode}: ${c.errorMessage ?? ''}`,
    ])
    this.out(`export ${this.export}, run ${runId}\n`)
    this.out(renderTable(['chunk', 'status', 'attempts', 'rows', 'bytes', 'bounds', 'error'], rows))
    this.out(`${shown.length} chunks: ${STATUSES.map((s) => `${counts[s]} ${s}`).join(', ')}\n`)
    return 0
  }
}

/** How many chunks are in each status. */
function countByStatus(chunks: readonly ChunkTaskRecord[]): Record<ChunkTaskStatus, number> {
  const counts: Record<ChunkTaskStatus, number> = { completed: 0, pending: 0, running: 0, failed: 0 }
  for (const c of chunks) counts[c.status]++
  return counts
}
