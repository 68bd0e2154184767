import { Builtins, Cli } from 'clipanion'
import { RivetError } from '../errors/index.js'
import { RIVET_VERSION } from '../version.js'
import { ApplyCommand } from './commands/apply.js'
import { CheckCommand } from './commands/check.js'
import { DemoCommand } from './commands/demo.js'
import { DoctorCommand } from './commands/doctor.js'
import { InitCommand } from './commands/init.js'
import { MetricsCommand } from './commands/metrics.js'
import { PlanCommand } from './commands/plan.js'
import { RunCommand } from './commands/run.js'
import { SchemaConfigCommand } from './commands/schema/config.js'
import { StateChunksCommand } from './commands/state/chunks.js'
import { StateFilesCommand } from './commands/state/files.js'
import { StateResetCommand } from './commands/state/reset.js'
import { ValidateCommand } from './commands/validate.js'
import { ReconcileCommand } from './commands/reconcile.js'
import { RepairCommand } from './commands/repair.js'
import { StateResetChunksCommand } from './commands/state/reset-chunks.js'
import { StateShowCommand } from './commands/state/show.js'
import { StateSummaryCommand } from './commands/state/summary.js'
import { JournalCommand } from './commands/journal.js'
import { ReportCommand } from './commands/report.js'
import { CompletionsCommand } from './commands/completions.js'
import { renderErrorJson, renderErrorText } from './render/errors.js'

/** Build the CLI with every command registered. */
export function createCli(): Cli {
  const cli = new Cli({ binaryLabel: 'Rivet — safe, resumable database extraction', binaryName: 'rivet', binaryVersion: RIVET_VERSION, enableColors: false })
  const commands = [RunCommand, PlanCommand, ApplyCommand, CheckCommand, DoctorCommand, DemoCommand, StateFilesCommand, StateChunksCommand, StateResetCommand, StateResetChunksCommand, StateShowCommand, StateSummaryCommand, JournalCommand, MetricsCommand, SchemaConfigCommand, InitCommand, ValidateCommand, ReconcileCommand, RepairCommand, CompletionsCommand]
  for (const command of commands) cli.register(command)
  cli.register(ReportCommand)
  cli.register(Builtins.HelpCommand)
  cli.register(Builtins.VersionCommand)
  return cli
}

/** Entry point: parse argv, run the command, exit with its code. Usage errors go to stderr with a code. */
export async function main(argv: string[]): Promise<number> {
  const cli = createCli()
  const context = { ...Cli.defaultContext }
  let command
  try {
    command = cli.process(argv, context)
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? ''
    const error = new RivetError('RIVET_USAGE', message.replace(/^(Usage|Syntax) Error:\s*/i, ''))
    process.stderr.write(argv.includes('--json-errors') ? renderErrorJson(error) : renderErrorText(error))
    return 1
  }
  return cli.run(command, context)
}
