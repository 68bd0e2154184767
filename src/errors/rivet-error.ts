import { ERROR_CODES, isErrorCode, type ErrorCode, type ExitClass } from './codes.js'

/** One problem inside an aggregated error (for example one invalid config key). */
export interface ErrorItem {
  readonly code: ErrorCode
  readonly path?: string
  readonly message: string
  readonly hint?: string
}

/** The serialisable form of a RivetError: what crosses worker threads and what `--json-errors` prints. */
export interface RivetErrorJSON {
  readonly code: ErrorCode
  readonly message: string
  readonly hint: string
  readonly exitCode: ExitClass
  readonly retryable: boolean
  readonly details: Record<string, unknown>
  readonly items?: readonly ErrorItem[]
  readonly cause?: string
}

export interface RivetErrorOptions {
  readonly hint?: string
  readonly details?: Record<string, unknown>
  readonly items?: readonly ErrorItem[]
  readonly cause?: unknown
}

/** The one error class of Rivet: a registered code, a message, a hint and structured details. */
export class RivetError extends Error {
  override readonly name = 'RivetError'
  readonly code: ErrorCode
  readonly hint: string
  readonly details: Record<string, unknown>
  readonly items: readonly ErrorItem[]

  constructor(code: ErrorCode, message: string, options: RivetErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.hint = options.hint ?? ERROR_CODES[code].hint
    this.details = options.details ?? {}
    this.items = options.items ?? []
  }

  /** Process exit code for this error: 1 config/generic, 2 retryable, 3 data integrity, 4 schema drift. */
  get exitCode(): ExitClass {
    return ERROR_CODES[this.code].exit
  }

  get retryable(): boolean {
    return this.exitCode === 2
  }

  toJSON(): RivetErrorJSON {
    const json: RivetErrorJSON = {
      code: this.code,
      message: this.message,
      hint: this.hint,
      exitCode: this.exitCode,
      retryable: this.retryable,
      details: this.details,
      ...(this.items.length > 0 ? { items: this.items } : {}),
      ...(this.cause !== undefined ? { cause: describeCause(this.cause) } : {}),
    }
    return json
  }

  /** Rebuild an error that crossed a thread boundary as data. */
  static fromJSON(json: RivetErrorJSON): RivetError {
    const code = isErrorCode(json.code) ? json.code : 'RIVET_INTERNAL'
    return new RivetError(code, json.message, {
      hint: json.hint,
      details: json.details,
      items: json.items,
      cause: json.cause,
    })
  }
}

/** Whether a value is a RivetError (also across module copies loaded twice). */
export function isRivetError(value: unknown): value is RivetError {
  return value instanceof RivetError || (value instanceof Error && value.name === 'RivetError' && isErrorCode((value as RivetError).code))
}

/** Whether a plain object is the JSON form of a RivetError. */
export function isRivetErrorJSON(value: unknown): value is RivetErrorJSON {
  return typeof value === 'object' && value !== null && isErrorCode((value as RivetErrorJSON).code) && typeof (value as RivetErrorJSON).message === 'string'
}

/** Wrap anything thrown into a RivetError, keeping the original as `cause`. */
export function toRivetError(err: unknown, fallback: ErrorCode = 'RIVET_INTERNAL'): RivetError {
  if (isRivetError(err)) return err
  if (isRivetErrorJSON(err)) return RivetError.fromJSON(err)
  const message = err instanceof Error ? err.message : String(err)
  return new RivetError(fallback, message, { cause: err })
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`
  return String(cause)
}
