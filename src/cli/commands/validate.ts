import { Command, Option } from 'clipanion'
import { RivetError } from '../../errors/index.js'
import type { ValidateDepth, ValidateReport } from '../../verify/index.js'
import { RivetCommand } from '../base-command.js'

const DEPTHS: readonly ValidateDepth[] = ['light', 'sample', 'full']

/** `rivet validate`: check a run's manifest against the state and the stored files. */
export class ValidateCommand extends RivetCommand {
  static override paths = [['validate']]
  static override usage = Command.Usage({
    category: 'Verification',
    description: "check that a run's stored files match its manifest and the state",
    details: `
      For each export, the latest completed run (or the run given with --run-id, or every completed run with --all-runs): reads the run's manifest-<run_id>.json at the destination and compares it with the files the state records as committed and with the stored files.

      Depths: light (default) checks that the manifest is readable, that every file it lists exists with its byte size, that its file list equals the state's, and that _SUCCESS and manifest.json name the run when it is the latest of its location; sample also reads a sample of the files (first, last, evenly spaced up to a tenth) and checks their xxh3 checksum and their rows (Parquet footer, CSV records); full reads every file. Files are streamed, never held in memory.

      Exits 0 when nothing is wrong, 3 (RIVET_VALIDATE_MISMATCH) when a problem is found, 1 on a config problem, 2 when the destination cannot be reached. See docs/verify.md.
    `,
    examples: [
      ['Check the latest run of every export', '$0 validate -c rivet.yaml'],
      ['Read every file of one export and verify checksums and rows', '$0 validate -c rivet.yaml -e orders --depth full'],
      ['One run, as JSON', '$0 validate -c rivet.yaml --run-id 20261124T215312Z-4f2a91c0 --json'],
    ],
  })

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  exports = Option.Array('-e,--export', [], { description: 'Validate only this export (repeatable)' })
  runId = Option.String('--run-id', { description: 'Validate this run instead of the latest completed one' })
  allRuns = Option.Boolean('--all-runs', false, { description: 'Validate every completed run of each export' })
  depth = Option.String('--depth', 'light', { description: 'light (sizes, lists), sample (plus checksums and rows of a sample) or full (every file)' })
  json = Option.Boolean('--json', false, { description: 'Print the report as JSON' })

  protected async run(): Promise<number> {
    const depth = this.depth as ValidateDepth
    if (!DEPTHS.includes(depth)) throw new RivetError('RIVET_USAGE', `unknown --depth '${this.depth}'`, { hint: `use one of ${DEPTHS.join(', ')}` })
    if (this.runId !== undefined && this.allRuns) throw new RivetError('RIVET_USAGE', '--run-id and --all-runs exclude each other', { hint: 'keep one of them' })
    const { loadConfig } = await import('../../config/index.js')
    const { openStateForConfig } = await import('../state-access.js')
    const { runValidate } = await import('../../verify/index.js')
    const config = loadConfig(this.config)
    const state = openStateForConfig(this.config)
    let report: ValidateReport
    try {
      report = await runValidate({ config, state, exports: this.exports, runId: this.runId, allRuns: this.allRuns, depth })
    } finally {
      state?.close()
    }
    this.out(this.json ? `${JSON.stringify(validateJson(report), null, 2)}\n` : renderValidateText(report))
    if (report.problemCount === 0) return 0
    const failing = report.runs.filter((r) => r.problems.length > 0)
    return this.reportError(
      new RivetError('RIVET_VALIDATE_MISMATCH', `${report.problemCount} problem(s) in ${failing.length} run(s): ${failing.map((r) => `${r.exportName} ${r.runId}`).join(', ')}`, {
        details: { problems: report.problemCount, runs: failing.map((r) => ({ export: r.exportName, runId: r.runId, kinds: [...new Set(r.problems.map((p) => p.kind))] })) },
      }),
    )
  }
}

/** The report as JSON: stable snake_case keys. */
export function validateJson(report: ValidateReport): unknown {
  return {
    depth: report.depth,
    problems: report.problemCount,
    runs: report.runs.map((r) => ({
      export: r.exportName, run_id: r.runId, location: r.location, latest: r.latest, files: r.files, files_read: r.filesRead,
      problems: r.problems.map((p) => ({ kind: p.kind, file: p.file, message: p.message })),
    })),
    skipped: report.skipped.map((s) => ({ export: s.exportName, reason: s.reason })),
  }
}

/** One line per problem under its run, a summary line per run, a total. */
export function renderValidateText(report: ValidateReport): string {
  const lines: string[] = []
  for (const r of report.runs) {
    for (const p of r.problems) lines.push(`${r.exportName}: ${p.kind}: ${p.message}`)
    const read = report.depth === 'light' ? 'sizes checked' : `${r.filesRead} read (checksum and rows)`
    const verdict = r.problems.length === 0 ? 'ok' : `${r.problems.length} problem(s)`
    lines.push(`export ${r.exportName}, run ${r.runId} at ${r.location}: ${verdict} — ${r.files} file(s), ${read}`)
  }
  for (const s of report.skipped) lines.push(`export ${s.exportName}: skipped — ${s.reason}`)
  lines.push(`${report.runs.length} run(s) validated at depth ${report.depth}: ${report.problemCount === 0 ? 'no problems' : `${report.problemCount} problem(s)`}`)
  return `${lines.join('\n')}\n`
}
