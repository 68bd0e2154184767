import { Command, Option } from 'clipanion'
import { RivetError, toRivetError } from '../errors/index.js'
import { renderErrorJson, renderErrorText } from './render/errors.js'

/**
 * Base of every Rivet command: `run()` parses, calls the engine and renders; errors are printed
 * on stderr as `[RIVET_CODE] message` plus a hint (or one JSON object with --json-errors), and
 * the exit code comes from the error's class. No stack traces for user errors.
 */
export abstract class RivetCommand extends Command {
  jsonErrors = Option.Boolean('--json-errors', false, { description: 'Print errors as one JSON object on stderr' })

  protected abstract run(): Promise<number | void>

  async execute(): Promise<number> {
    try {
      return (await this.run()) ?? 0
    } catch (err) {
      return this.reportError(toRivetError(err))
    }
  }

  /** Option validation errors raised by clipanion before execute() are reported the same way. */
  override async validateAndExecute(): Promise<number> {
    try {
      return await super.validateAndExecute()
    } catch (err) {
      return this.reportError(err instanceof RivetError ? err : new RivetError('RIVET_USAGE', err instanceof Error ? err.message : String(err)))
    }
  }

  protected reportError(error: RivetError): number {
    this.context.stderr.write(this.jsonErrors ? renderErrorJson(error) : renderErrorText(error))
    if (process.env.RIVET_DEBUG && error.cause instanceof Error) this.context.stderr.write(`${error.cause.stack}\n`)
    return error.exitCode
  }

  protected out(text: string): void {
    this.context.stdout.write(text)
  }

  protected err(text: string): void {
    this.context.stderr.write(text)
  }
}
