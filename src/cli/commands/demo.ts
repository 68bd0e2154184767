import { mkdirSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { Command, Option } from 'clipanion'
import type { RunReport } from '../../engine/index.js'
import { RivetCommand } from '../base-command.js'
import { openProgressDisplay } from '../progress/index.js'
import { formatCount, formatDuration } from '../render/format.js'
import { renderRunText } from '../render/run-summary.js'
import { withInterruptSignal } from '../signals.js'

/** `rivet demo`: an embedded PostgreSQL, a seeded shop schema, and a real run against it. */
export class DemoCommand extends RivetCommand {
  static override paths = [['demo']]
  static override usage = Command.Usage({
    category: 'Getting started',
    description: 'run Rivet against an embedded demo database',
    details: `
      Starts an embedded PostgreSQL (PGlite) on a loopback port, seeds a small shop schema (customers, products, orders, order items, events — every column type Rivet maps), writes a config, runs \`rivet run\` on it and shows where the files are and how to inspect them. Needs nothing but Node.js.
    `,
    examples: [
      ['Run the demo in ./rivet-demo', '$0 demo'],
      ['Run it somewhere else', '$0 demo --dir /tmp/rivet-demo'],
    ],
  })

  dir = Option.String('--dir', 'rivet-demo', { description: 'Folder for the config, the output and the state file (default ./rivet-demo)' })

  protected async run(): Promise<number> {
    const { seedDemo, startDemoServer, writeDemoConfig } = await import('../../demo/index.js')
    const { runExports } = await import('../../engine/index.js')
    const dir = resolve(this.dir)
    mkdirSync(dir, { recursive: true })
    const t0 = Date.now()
    this.err('starting the embedded PostgreSQL (PGlite)...\n')
    const server = await startDemoServer()
    try {
      this.err(`seeding the demo schema at ${server.url} ...\n`)
      const seeded = await seedDemo(server.url)
      const total = seeded.tables.reduce((n, t) => n + t.rows, 0)
      for (const t of seeded.tables) this.err(`  seeded ${t.name}: ${formatCount(t.rows)} rows\n`)
      this.err(`seeded ${seeded.tables.length} tables, ${formatCount(total)} rows in ${formatDuration(Date.now() - t0)}\n`)
      const configPath = writeDemoConfig(dir, server.url)
      this.err(`wrote ${configPath}; running the exports...\n`)
      // the live cards on a terminal, progress lines elsewhere (as `rivet run` shows them)
      const display = openProgressDisplay({ json: false, quiet: false }, this.context.stderr)
      const log = (line: string) => display.log(line)
      let report: RunReport | undefined
      try {
        report = await withInterruptSignal((signal) => runExports({ configPath, signal, log, observer: display.observer }), log)
      } finally {
        display.close(report)
      }
      this.out(renderRunText(report))
      for (const r of report.results) if (r.error) this.reportError(r.error)
      if (report.exitCode === 0) this.out(nextSteps(configPath))
      return report.exitCode
    } finally {
      await server.stop()
    }
  }
}

function nextSteps(configPath: string): string {
  const rel = relative(process.cwd(), configPath) || configPath
  return `
Next steps:
  npx rivet state files -c ${rel}     # the manifest: every file with rows, bytes and xxh3 checksum
  npx rivet metrics -c ${rel}         # throughput and peak memory per run
  duckdb -c "select * from '${rel.replace(/rivet\.yaml$/, '')}output/orders/*.parquet' limit 5"   # if you have DuckDB
  Point Rivet at your own database: copy ${rel}, change source.url, list your tables under exports.
`
}
