/**
 * The named string formats of the schema DSL: how each is checked, its JSON Schema pattern and
 * the sentence the reference prints for it.
 */
import { COLUMN_OVERRIDE_PATTERN, parseColumnOverride } from './column-override.js'
import { checkPathTemplate } from './path-template.js'
import { DURATION_PATTERN, parseDuration } from './duration.js'
import type { FormatName } from './schema-dsl.js'
import { splitTableName } from './table-name.js'

/** How one named string format is checked and documented. */
export interface FormatDef {
  /** Returns null when valid, else what is wrong (never containing a secret). */
  readonly check: (value: string) => string | null
  readonly pattern?: string
  readonly doc: string
  /** Name of the value in type messages and the reference, instead of "string". */
  readonly label?: string
}

const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/
const EXPORT_NAME_RE = /^[A-Za-z0-9_.-]+$/

/** Every format with its checker. */
export const FORMATS: Readonly<Record<FormatName, FormatDef>> = {
  'env-name': {
    check: (v) => (ENV_NAME_RE.test(v) ? null : `'${v}' is not an environment variable name (letters, digits and _)`),
    pattern: ENV_NAME_RE.source,
    doc: 'name of an environment variable',
  },
  'export-name': {
    check: (v) => (EXPORT_NAME_RE.test(v) ? null : `'${v}' may only contain letters, digits, _, . and -`),
    pattern: EXPORT_NAME_RE.source,
    doc: 'letters, digits, `_`, `.` and `-`',
  },
  'table-name': {
    check: (v) => {
      const parts = splitTableName(v)
      return Array.isArray(parts) ? null : `'${v}' is not a table name: ${parts.error}`
    },
    doc: '`name` or `schema.name`; quote parts with `"` to keep case and dots',
  },
  url: {
    check: (v) => checkHttpUrl(v),
    doc: 'an `http://` or `https://` URL',
  },
  'path-template': {
    check: (v) => checkPathTemplate(v),
    doc: 'path relative to the config file; placeholders `{export}` and `{date}`',
  },
  'column-type': {
    check: (v) => {
      const parsed = parseColumnOverride(v)
      return 'error' in parsed ? parsed.error : null
    },
    pattern: COLUMN_OVERRIDE_PATTERN,
    doc: '`decimal(p,s)` or a simple type name',
  },
  path: {
    check: (v) => (v.trim() === '' ? 'the path is empty' : null),
    doc: 'path relative to the config file',
  },
  'column-name': {
    check: (v) => (v.trim() === '' ? 'the column name is empty' : null),
    pattern: '\\S',
    doc: 'a column name of the table or query result',
    label: 'column name',
  },
  duration: {
    check: (v) => (parseDuration(v) === null ? `'${v}' is not a duration` : null),
    pattern: DURATION_PATTERN,
    doc: 'a whole number with a unit: s (seconds), m (minutes), h (hours) or d (days), e.g. 15m',
    label: 'duration',
  },
}

/** An http(s) URL without credentials in it. */
function checkHttpUrl(value: string): string | null {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return `'${value}' is not a URL; write it as http(s)://host[:port]`
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${url.protocol}// is not supported; use http:// or https://`
  if (url.username !== '' || url.password !== '') return 'the URL must not carry credentials; use the credential keys of the destination'
  return null
}
