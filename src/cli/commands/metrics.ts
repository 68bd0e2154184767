import { Command, Option } from 'clipanion'
import { RivetCommand } from '../base-command.js'
import { formatBytes, formatCount, formatDuration, renderTable } from '../render/format.js'
import { parseLimit } from './state/files.js'

/** `rivet metrics`: per-run throughput and resource figures. */
export class MetricsCommand extends RivetCommand {
  static override paths = [['metrics']]
  static override usage = Command.Usage({
    category: 'State',
    description: 'show rows, bytes, duration, throughput and peak memory of recent runs',
    examples: [
      ['Recent runs', '$0 metrics -c rivet.yaml'],
      ['Last 5 runs of one export as JSON', '$0 metrics -c rivet.yaml -e orders --limit 5 --json'],
    ],
  })

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  export = Option.String('-e,--export', { description: 'Only this export' })
  limit = Option.String('--limit', '20', { description: 'At most this many runs (default 20)' })
  json = Option.Boolean('--json', false, { description: 'Print JSON' })

  protected async run(): Promise<number> {
    const { openStateForConfig } = await import('../state-access.js')
    const state = openStateForConfig(this.config)
    const runs = state ? state.metrics({ exportName: this.export, limit: parseLimit(this.limit) }) : []
    state?.close()
    if (this.json) {
      this.out(`${JSON.stringify({ runs }, null, 2)}\n`)
      return 0
    }
    if (runs.length === 0) {
      this.out('no runs recorded yet — run `rivet run -c <config>` first\n')
      return 0
    }
    const rows = runs.map((r) => [
      r.exportName,
      r.runId,
      r.status + (r.errorCode ? ` (${r.errorCode})` : ''),
      r.rows === null ? '-' : formatCount(r.rows),
      r.bytes === null ? '-' : formatBytes(r.bytes),
      r.durationMs === null ? '-' : formatDuration(r.durationMs),
      r.rowsPerSec === null ? '-' : formatCount(r.rowsPerSec),
      r.peakRssMb === null ? '-' : `${Math.round(r.peakRssMb)} MiB`,
      r.retries === null ? '-' : String(r.retries),
      r.schemaChanges === null ? '-' : String(r.schemaChanges),
      r.qualityFailed === null ? '-' : String(r.qualityFailed),
    ])
    this.out(renderTable(['export', 'run', 'status', 'rows', 'bytes', 'duration', 'rows/s', 'peak RSS', 'retries', 'drift', 'quality failed'], rows))
    return 0
  }
}
