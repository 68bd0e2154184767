import { Command, Option } from 'clipanion'
import { RivetCommand } from '../../base-command.js'
import { formatBytes, formatCount, renderTable } from '../../render/format.js'

/** `rivet state files`: the manifest of published files. */
export class StateFilesCommand extends RivetCommand {
  static override paths = [['state', 'files']]
  static override usage = Command.Usage({
    category: 'State',
    description: 'list the files runs have published',
    details: 'Shows the file manifest kept in the state file: path, rows, bytes and the xxh3 checksum of every committed file, newest first.',
    examples: [
      ['All files', '$0 state files -c rivet.yaml'],
      ['Files of one export as JSON', '$0 state files -c rivet.yaml -e orders --json'],
    ],
  })

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  export = Option.String('-e,--export', { description: 'Only this export' })
  runId = Option.String('--run-id', { description: 'Only the files of this run' })
  limit = Option.String('--limit', '50', { description: 'At most this many files (default 50)' })
  json = Option.Boolean('--json', false, { description: 'Print JSON' })

  protected async run(): Promise<number> {
    const { openStateForConfig } = await import('../../state-access.js')
    const state = openStateForConfig(this.config)
    const files = state ? state.listFiles({ exportName: this.export, runId: this.runId, limit: parseLimit(this.limit) }) : []
    state?.close()
    if (this.json) {
      this.out(`${JSON.stringify({ files }, null, 2)}\n`)
      return 0
    }
    if (files.length === 0) {
      this.out('no files recorded yet — run `rivet run -c <config>` first\n')
      return 0
    }
    const rows = files.map((f) => [f.exportName, f.runId, formatCount(f.rows), formatBytes(f.bytes), f.xxh3, f.path])
    this.out(renderTable(['export', 'run', 'rows', 'bytes', 'xxh3', 'path'], rows))
    return 0
  }
}

/** Parse a --limit value (a positive integer). */
export function parseLimit(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new Error(`--limit must be a positive integer, got ${value}`)
  return n
}
