import type { RivetError } from '../../errors/index.js'

/** The text form of an error for stderr: `[CODE] message`, one line per item, then the hint. */
export function renderErrorText(error: RivetError): string {
  const lines = [`[${error.code}] ${error.message}`]
  for (const item of error.items) {
    lines.push(`  [${item.code}] ${item.path ? `${item.path}: ` : ''}${item.message}`)
    if (item.hint) lines.push(`      hint: ${item.hint}`)
  }
  lines.push(`  hint: ${error.hint}`)
  return `${lines.join('\n')}\n`
}

/** The `--json-errors` form: one JSON object on one line. */
export function renderErrorJson(error: RivetError): string {
  return `${JSON.stringify({ error: error.toJSON() })}\n`
}
