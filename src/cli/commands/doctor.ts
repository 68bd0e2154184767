import { Command, Option } from 'clipanion'
import type { DoctorReport } from '../../preflight/doctor.js'
import { RivetCommand } from '../base-command.js'

/** `rivet doctor`: prove a config can run, without reading any data. */
export class DoctorCommand extends RivetCommand {
  static override paths = [['doctor']]
  static override usage = Command.Usage({
    category: 'Preflight',
    description: 'check that a config can run: config, state file, source access, each table and each destination',
    details: `
      Parses the config; opens the state file; connects to the source and reports the server and user; for each export describes its table or query and selects zero rows from it (proving the SELECT privilege and the type mapping); and writes, reads back and removes a probe object under \`.rivet-doctor/\` at each destination. No data is read.

      Every check runs even when an earlier one failed, unless it depends on it. Exits 0 when all passed, else with the highest exit class of the failures (1 config, 2 retryable).
    `,
    examples: [
      ['Check a config', '$0 doctor -c rivet.yaml'],
      ['Check one export, machine-readable', '$0 doctor -c rivet.yaml -e orders --json'],
    ],
  })

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  exports = Option.Array('-e,--export', [], { description: 'Check only this export (repeatable)' })
  json = Option.Boolean('--json', false, { description: 'Print the checks as JSON' })

  protected async run(): Promise<number> {
    const { runDoctor } = await import('../../preflight/doctor.js')
    const report = await runDoctor({ configPath: this.config, exports: this.exports })
    this.out(this.json ? renderDoctorJson(report) : renderDoctorText(report))
    return report.exitCode
  }
}

const MARK = { ok: 'ok', fail: 'FAIL', skip: 'skip' } as const

/** One line per check, hints under failures, and a count. */
export function renderDoctorText(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.subject.length))
  const lines = [`rivet doctor: ${report.configPath}`]
  for (const c of report.checks) {
    const head = `  ${MARK[c.status].padEnd(4)}  ${c.subject.padEnd(width)}  `
    lines.push(head + (c.error ? `[${c.error.code}] ${c.message}` : c.message))
    if (c.error) lines.push(`${' '.repeat(head.length)}hint: ${c.error.hint}`)
  }
  const count = (s: string) => report.checks.filter((c) => c.status === s).length
  lines.push(`${count('ok')} passed, ${count('fail')} failed${count('skip') ? `, ${count('skip')} skipped` : ''}`)
  return `${lines.join('\n')}\n`
}

/** `{ config, ok, exitCode, checks: [{ subject, status, message, error? }] }`. */
export function renderDoctorJson(report: DoctorReport): string {
  const checks = report.checks.map((c) => ({ subject: c.subject, status: c.status, message: c.message, ...(c.error ? { error: c.error.toJSON() } : {}) }))
  return `${JSON.stringify({ config: report.configPath, ok: report.exitCode === 0, exitCode: report.exitCode, checks }, null, 2)}\n`
}
