import type { PgServerFields } from './types.js'

/** An ErrorResponse from the server, carrying every field it sent; classifyPgError turns it into a RivetError. */
export class PgServerError extends Error implements PgServerFields {
  override readonly name = 'PgServerError'
  readonly severity: string
  readonly code: string
  declare readonly detail?: string
  declare readonly hint?: string
  declare readonly position?: string
  declare readonly internalPosition?: string
  declare readonly internalQuery?: string
  declare readonly where?: string
  declare readonly schema?: string
  declare readonly table?: string
  declare readonly column?: string
  declare readonly dataType?: string
  declare readonly constraint?: string
  declare readonly file?: string
  declare readonly line?: string
  declare readonly routine?: string

  constructor(fields: PgServerFields) {
    super(fields.message)
    this.severity = fields.severity
    this.code = fields.code
    // copy only the optional fields the server sent, so the error prints without undefined noise
    for (const key of OPTIONAL_FIELDS) {
      const value = fields[key]
      if (value !== undefined) (this as Record<string, unknown>)[key] = value
    }
  }
}

const OPTIONAL_FIELDS = [
  'detail', 'hint', 'position', 'internalPosition', 'internalQuery', 'where', 'schema',
  'table', 'column', 'dataType', 'constraint', 'file', 'line', 'routine',
] as const satisfies readonly (keyof PgServerFields)[]

/** Whether a value is a PgServerError (also across module copies). */
export function isPgServerError(value: unknown): value is PgServerError {
  return value instanceof PgServerError || (value instanceof Error && value.name === 'PgServerError')
}

/** A broken protocol invariant: the server sent something this client cannot follow. */
export class PgProtocolError extends Error {
  override readonly name = 'PgProtocolError'
}
