import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Measurement } from '../lib/spawn-measured.js'
import { dirSize } from './dir-size.js'
import type { Tool, ToolContext, ToolOutput } from './types.js'

const ROOT = resolve(import.meta.dirname, '../../..')
/** The CLI entry the harness runs (the checkout's launcher, bin/rivet). */
export const RIVET_BIN = process.env.RIVET_BENCH_BIN ?? join(ROOT, 'bin', 'rivet')

interface RivetJson {
  exitCode: number
  processPeakRssBytes?: number
  exports: { rows: number; bytes: number; durationMs: number; stats?: { maxStatementMs?: number; statements?: number } }[]
}

function rivetTool(name: string, format: 'parquet' | 'csv'): Tool {
  return {
    name,
    description: `rivet run (${format}, zstd, default settings)`,
    skipReason: () => null,
    command: (ctx: ToolContext) => {
      const config = join(ctx.workDir, 'rivet.yaml')
      writeFileSync(
        config,
        [
          'source:',
          '  type: postgres',
          `  url: ${JSON.stringify(ctx.pgUrl)}`,
          `  application_name: ${ctx.appTag}`,
          'exports:',
          `  - name: ${ctx.fixture.id}`,
          `    table: ${ctx.fixture.table}`,
          `    format: ${format}`,
          '    compression: zstd',
          `    destination: { type: local, path: ${JSON.stringify(join(ctx.workDir, 'out'))} }`,
          '',
        ].join('\n'),
      )
      return { cmd: RIVET_BIN, args: ['run', '-c', config, '--json', '--quiet'], cwd: ctx.workDir, appTag: ctx.appTag }
    },
    collect: (ctx: ToolContext, m: Measurement): ToolOutput => {
      const report = JSON.parse(m.stdout) as RivetJson
      if (report.exitCode !== 0) throw new Error(`rivet reported exitCode ${report.exitCode}`)
      const rows = report.exports.reduce((a, e) => a + e.rows, 0)
      const stats = report.exports.map((e) => e.stats ?? {})
      const maxStmt = stats.map((s) => s.maxStatementMs).filter((v): v is number => typeof v === 'number')
      const nStmt = stats.map((s) => s.statements).filter((v): v is number => typeof v === 'number')
      return {
        outputBytes: dirSize(join(ctx.workDir, 'out')),
        rows,
        rivet: {
          maxStatementMs: maxStmt.length ? Math.max(...maxStmt) : null,
          statements: nStmt.length ? nStmt.reduce((a, b) => a + b, 0) : null,
          processPeakRssBytes: report.processPeakRssBytes ?? null,
        },
      }
    },
  }
}

/** Rivet, Parquet + zstd with default settings. */
export const RIVET_PARQUET: Tool = rivetTool('rivet', 'parquet')
/** Rivet, CSV + zstd with default settings. */
export const RIVET_CSV: Tool = rivetTool('rivet_csv', 'csv')
