import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { Command, Option } from 'clipanion'
import { RivetError } from '../../errors/index.js'
import { RivetCommand } from '../base-command.js'

/** Runs per export shown without --last. */
const DEFAULT_LAST = 10
/** The most runs per export one page shows. */
const MAX_LAST = 1000

/** `rivet report`: one self-contained HTML page about recent runs. */
export class ReportCommand extends RivetCommand {
  static override paths = [['report']]
  static override usage = Command.Usage({
    category: 'State',
    description: 'write an HTML page about recent runs: summary table, throughput, memory, statement and chunk charts',
    details: `
      Reads the state (SQLite next to the config, or RIVET_STATE_URL) and writes one self-contained HTML file: inline styles, script and SVG charts, nothing fetched from the network. It shows a summary table of the runs (status, duration, rows, files, bytes, rows/s, peak memory, retries, warnings, schema drift, quality checks, error), charts per export (throughput, peak memory, statement times, statements, statement sizes chosen by the adaptive controller, chunk completions of chunked runs) and, per run, its chunks, files, columns, journal and summary.

      Without --run-id the page shows the last --last runs (default ${DEFAULT_LAST}) of each selected export; without -e, of every export of the config. When no run is recorded yet the page is still written and says so (exit 0). The file is written whole or not at all (a temp file renamed into place); -o - prints the page on stdout.
    `,
    examples: [
      ['Last night, every export', '$0 report -c rivet.yaml -o report.html'],
      ['The last 30 runs of two exports', '$0 report -c rivet.yaml -e orders -e customers --last 30 -o report.html'],
      ['One run, to stdout', '$0 report -c rivet.yaml --run-id 20261124T215312Z-4f2a -o - > run.html'],
    ],
  })

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  exports = Option.Array('-e,--export', [], { description: 'Only this export (repeatable)' })
  runId = Option.String('--run-id', { description: 'Only this run' })
  last = Option.String('--last', { description: `The last N runs of each export (default ${DEFAULT_LAST})` })
  output = Option.String('-o,--output', { required: true, description: 'HTML file to write; - prints the page on stdout' })

  protected async run(): Promise<number> {
    if (this.runId !== undefined && this.last !== undefined) {
      throw new RivetError('RIVET_USAGE', '--run-id and --last cannot be used together', { hint: 'give --run-id for one run, or --last N for the last N runs of each export' })
    }
    const last = parseLast(this.last)
    const toStdout = this.output === '-'
    const path = toStdout ? null : checkReportPath(this.output)
    const [{ loadConfig, selectExports }, { openStateForConfig }, { collectReport, renderReportPage }, { RIVET_VERSION }] = await Promise.all([
      import('../../config/index.js'), import('../state-access.js'), import('../../report-html/index.js'), import('../../version.js'),
    ])
    const names = selectExports(loadConfig(this.config), this.exports).map((e) => e.name)
    const state = openStateForConfig(this.config)
    let html: string
    let runs: number
    try {
      const data = collectReport(state, { configPath: resolve(this.config), exports: names, last, rivetVersion: RIVET_VERSION, ...(this.runId === undefined ? {} : { runId: this.runId }) })
      runs = data.exports.reduce((n, e) => n + e.runs.length, 0)
      html = renderReportPage(data)
    } finally {
      state?.close()
    }
    // with the page on stdout, the notes go to stderr
    const say = toStdout ? (text: string) => this.err(text) : (text: string) => this.out(text)
    if (path === null) this.out(html)
    else writeReportFile(path, html)
    if (runs === 0) say(`no runs recorded for ${names.join(', ')} — the page says so; run \`rivet run -c ${this.config}\` first\n`)
    if (path !== null) say(`report written to ${path}: ${runs} run(s) of ${names.length} export(s)\n`)
    return 0
  }
}

function parseLast(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LAST
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > MAX_LAST) {
    throw new RivetError('RIVET_USAGE', `--last must be a whole number from 1 to ${MAX_LAST}, got ${value}`, { hint: '--last 10 shows the last 10 runs of each export' })
  }
  return n
}

/** The absolute output path, checked before the state is read: not a folder, in a folder that exists. */
function checkReportPath(path: string): string {
  if (path.trim() === '') throw new RivetError('RIVET_USAGE', '-o needs a file name, or - for standard output')
  const absolute = resolve(path)
  const problem = (() => {
    try {
      if (statSync(absolute).isDirectory()) return 'it is a folder'
    } catch {
      // not there yet: fine
    }
    try {
      return statSync(dirname(absolute)).isDirectory() ? null : `${dirname(absolute)} is not a folder`
    } catch {
      return `its folder ${dirname(absolute)} does not exist`
    }
  })()
  if (problem !== null) throw new RivetError('RIVET_REPORT_WRITE', `cannot write the report to ${absolute}: ${problem}`, { details: { path: absolute } })
  return absolute
}

/** Write the page whole or not at all: a temp file in the same folder, fsynced, renamed over the target. */
function writeReportFile(path: string, html: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const fd = openSync(temp, 'wx', 0o644)
    try {
      const bytes = Buffer.from(html, 'utf8')
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temp, path)
  } catch (err) {
    rmSync(temp, { force: true })
    const reason = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err))
    throw new RivetError('RIVET_REPORT_WRITE', `cannot write the report to ${path}: ${reason}`, { details: { path }, cause: err })
  }
}
