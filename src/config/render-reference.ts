/**
 * Generates docs/configuration.md from CONFIG_SCHEMA and the constants next to it. The file is
 * checked in; a test fails when it differs from `renderConfigReference()`.
 */
import { MAX_DECIMAL_PRECISION } from './column-override.js'
import { URL_PARAMS } from './connection-url.js'
import { DURATION_UNITS } from './duration.js'
import { FORMATS } from './formats.js'
import { MODE_KEYS, MODE_REQUIRED_KEYS } from './modes.js'
import { PATH_PLACEHOLDERS } from './path-template.js'
import { CONFIG_SCHEMA } from './schema.js'
import type { ArraySpec, FieldSpec, ObjectSpec, TypeSpec } from './schema-dsl.js'
import { formatSize, SIZE_UNITS } from './size.js'
import { DEFAULT_PROFILE, TUNING_KEYS, TUNING_PROFILES } from './tuning.js'
import { EXPORT_MODES, SIMPLE_OVERRIDE_KINDS, TUNING_PROFILE_NAMES, type ExportMode } from './types.js'

/** A complete, valid config shown at the top of the reference (a test loads it). */
export const EXAMPLE_CONFIG = `source:
  type: postgres
  url_env: DATABASE_URL            # or url:, url_file:, or host/port/user/password_env/database
  tls: { mode: require }
  tuning: { profile: safe }

exports:
  - name: orders
    table: public.orders
    format: parquet
    compression: zstd
    compression_level: 3
    max_file_size: 512MB
    destination: { type: local, path: "./out/{export}/{date}" }
    columns: { amount: "decimal(18,2)" }

  - name: big_customers
    query_file: ./sql/big_customers.sql
    format: csv
    compression: gzip
    skip_empty: true
    destination: { type: local, path: "./out/{export}/{date}" }
    tuning: { batch_size: 10000 }

  - name: events
    table: public.events
    mode: incremental
    cursor_column: updated_at
    cursor_overlap: 15m            # re-read the last 15 minutes for late rows
    unique_key: [id]
    format: parquet
    destination: { type: local, path: "./out/{export}/{date}" }

  - name: order_lines
    table: public.order_lines
    mode: chunked
    chunk_column: id
    chunk_size: 500000
    parallel: 4
    chunk_checkpoint: true
    format: parquet
    destination: { type: local, path: "./out/{export}/{date}" }
`

/** The item codes of RIVET_CONFIG_INVALID and when each is reported. */
export const ISSUE_CODE_DOCS: Readonly<Record<string, string>> = {
  RIVET_CONFIG_UNKNOWN_KEY: 'a key the schema does not know; the message suggests the closest real key, also one level down (`tuning.batch_size`)',
  RIVET_CONFIG_TYPE: 'a value of the wrong type (a list where a mapping belongs, a number where text belongs)',
  RIVET_CONFIG_ENUM: 'a value outside the allowed list; the message lists the allowed values and the closest one',
  RIVET_CONFIG_MISSING: 'a required key is absent, including a key the export\'s mode or another key requires',
  RIVET_CONFIG_CONFLICT: 'two keys that exclude each other, or a key of another mode; the message names both',
  RIVET_CONFIG_RANGE: 'a number outside its range',
  RIVET_CONFIG_ENV_MISSING: 'a `${VAR}`, `url_env`, `password_env` or `notifications.slack.webhook_url_env` names an unset variable',
  RIVET_CONFIG_FILE_UNREADABLE: '`url_file` or `query_file` cannot be read',
  RIVET_CONFIG_DUPLICATE_EXPORT: 'two exports share a name',
  RIVET_CONFIG_FORMAT: 'a value with the wrong syntax: size, duration, URL, column override, table name, path placeholder; or a repeated list entry',
  RIVET_CONFIG_INVALID: 'the file is empty or its top level is not a mapping',
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
const code = (value: unknown): string => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``

function listLabel(spec: ArraySpec): string {
  if (spec.items.kind === 'object') return `list of \`${spec.items.title}\``
  const rules = [...(spec.minItems ? ['non-empty'] : []), ...(spec.uniqueItems ? ['unique'] : [])]
  // entries of several kinds: "list of entries (non-empty), each a column name or a list of ..."
  if (spec.items.kind === 'union') return `list of entries${rules.length > 0 ? ` (${rules.join(', ')})` : ''}, each ${spec.items.options.map(typeLabel).join(' or ')}`
  // string items read as a plural noun: "list of column names"
  const items = spec.items.kind === 'string' ? `${typeLabel(spec.items)}s` : typeLabel(spec.items)
  return `list of ${items}${rules.length > 0 ? ` (${rules.join(', ')})` : ''}`
}

function typeLabel(spec: TypeSpec): string {
  switch (spec.kind) {
    case 'string': return (spec.format && FORMATS[spec.format].label) ?? 'string'
    case 'integer': return `integer ${spec.min}..${spec.max}${spec.unit ? ` (${spec.unit})` : ''}`
    case 'number': {
      const upper = spec.max === undefined ? '' : ` and ≤ ${spec.max}`
      return `number ${spec.minExclusive ? '>' : '≥'} ${spec.min}${upper}${spec.unit ? ` (${spec.unit})` : ''}`
    }
    case 'boolean': return 'boolean'
    case 'enum': return spec.values.map((v) => `\`${v}\``).join(' | ')
    case 'size': return `size ≥ ${formatSize(spec.minBytes)}`
    case 'object': return `mapping (see \`${spec.title}\`)`
    case 'array': return listLabel(spec)
    case 'map': return `mapping of ${spec.keyDescription} → ${spec.values.kind === 'string' ? 'string' : typeLabel(spec.values)}`
    case 'union': return spec.options.map(typeLabel).join(' or ')
  }
}

function defaultLabel(field: FieldSpec): string {
  if (field.required) return '**required**'
  if (field.defaultNote) return field.defaultNote
  if (field.default !== undefined) return code(field.default)
  return '—'
}

function fieldRow(key: string, field: FieldSpec): string {
  const examples = field.examples ? ` Example: ${field.examples.map(code).join(', ')}.` : ''
  const secret = field.type.kind === 'string' && field.type.secret ? ' Never shown in messages or logs.' : ''
  return `| \`${key}\` | ${cell(typeLabel(field.type))} | ${cell(defaultLabel(field))} | ${cell(field.description + secret + examples)} |`
}

function objectSection(spec: ObjectSpec, where: string): string[] {
  const lines = [spec === CONFIG_SCHEMA ? `## ${spec.title}` : `## \`${spec.title}\``, '', spec.description + where, '', '| Key | Type | Default | Description |', '| --- | --- | --- | --- |']
  for (const [key, field] of Object.entries(spec.fields)) lines.push(fieldRow(key, field))
  if (spec.exclusive?.length) lines.push('', ...spec.exclusive.map((g) => `- ${g.description}`))
  lines.push('')
  return lines
}

/** Every object spec in document order, each once, with the places it appears. */
function collectObjects(): Map<ObjectSpec, string[]> {
  const found = new Map<ObjectSpec, string[]>()
  const visit = (spec: TypeSpec, path: string): void => {
    if (spec.kind === 'array') return visit(spec.items, `${path}[]`)
    if (spec.kind !== 'object') return
    const places = found.get(spec) ?? []
    places.push(path)
    found.set(spec, places)
    if (places.length > 1) return
    for (const [key, field] of Object.entries(spec.fields)) visit(field.type, path === '' ? key : `${path}.${key}`)
  }
  visit(CONFIG_SCHEMA, '')
  return found
}

/** What each mode reads, for the "Export modes" section. */
const MODE_SUMMARIES: Readonly<Record<ExportMode, string>> = {
  full: 'every row, on every run',
  incremental: 'the rows whose cursor lies above the value the last completed run reached (minus `cursor_overlap`); the first run reads every row',
  chunked: 'every row, split into chunks of `chunk_column` read by separate statements, `parallel` at a time',
  time_window: 'the rows whose `time_column` lies within the last `days_window` days',
}

function modeSection(): string[] {
  const keys = (mode: ExportMode, required: boolean): string => {
    const list = Object.keys(MODE_KEYS).filter((k) => MODE_KEYS[k]?.includes(mode) && MODE_REQUIRED_KEYS[mode].includes(k) === required)
    return list.length === 0 ? '—' : list.map((k) => `\`${k}\``).join(', ')
  }
  return [
    '## Export modes',
    '',
    '`mode` decides which rows an export reads. A key of another mode is an error, not silently ignored. `chunk_max_statement_s` and `meta_columns` apply to every mode.',
    '',
    '| Mode | Reads | Requires | Also takes |',
    '| --- | --- | --- | --- |',
    ...EXPORT_MODES.map((m) => `| \`${m}\` | ${cell(MODE_SUMMARIES[m])} | ${keys(m, true)} | ${keys(m, false)} |`),
    '',
    '- `incremental_cursor_mode: coalesce` requires `cursor_fallback_column`, and `cursor_fallback_column` requires `coalesce`.',
    '- `parallel` above 1 needs mode `chunked`.',
    '- At most one of `chunk_dense`, `chunk_by_days` and `chunk_by_key`; without any, chunks are ranges of `chunk_column` values. `chunk_by_days` excludes `chunk_size` and `chunk_count` and requires `chunk_column`.',
    '- Without `chunk_column`, a `table:` export is chunked on its single-column integer primary key (`chunk_by_key`: on `unique_key`, else the primary key). A `query:` or `query_file:` export has no primary key: it must give `chunk_column` (or `unique_key` with `chunk_by_key`).',
    '',
  ]
}

function profileSection(): string[] {
  const keys = Object.entries(TUNING_KEYS).filter(([, field]) => field in TUNING_PROFILES.balanced)
  const header = `| Key | ${TUNING_PROFILE_NAMES.map((p) => (p === DEFAULT_PROFILE ? `\`${p}\` (default)` : `\`${p}\``)).join(' | ')} |`
  const rows = keys.map(([yamlKey, field]) => `| \`${yamlKey}\` | ${TUNING_PROFILE_NAMES.map((p) => String(TUNING_PROFILES[p][field as keyof (typeof TUNING_PROFILES)['fast']])).join(' | ')} |`)
  return [
    '## Tuning profiles',
    '',
    'A profile fills every tuning key that is not set explicitly. The profile of an export is its own `tuning.profile`, else `source.tuning.profile`, else `balanced`. Each key then takes the first value found in: the export\'s `tuning`, `source.tuning`, the profile. `batch_size` (unset) and `memory_mb` (512) do not depend on the profile.',
    '',
    header,
    `| --- | ${TUNING_PROFILE_NAMES.map(() => '---').join(' | ')} |`,
    ...rows,
    '',
    'A batch must fit in the memory budget: `batch_size_memory_mb` may not exceed `memory_mb`.',
    '',
  ]
}

function syntaxSection(): string[] {
  const placeholders = Object.entries(PATH_PLACEHOLDERS).map(([k, v]) => `\`{${k}}\` (${v})`).join(', ')
  return [
    '## Values',
    '',
    '- **Environment variables.** Every string value may contain `${VAR}` or `${VAR:-default}` (the default applies when VAR is unset or empty). `$$` stands for a literal `$`. An unset variable without a default is an error that names the variable and the key, never the value. A value that is entirely a variable may fill a number or boolean key (`port: ${DB_PORT}`).',
    '- **Empty values.** A key with no value (`tls:`) counts as not set.',
    '- **Quoting.** Inside a flow mapping `{ ... }`, quote values that contain `{`, `}`, `[`, `]` or `,`: `destination: { type: local, path: "./out/{export}/{date}" }`. Quote values YAML would otherwise read as numbers or booleans (`password: "0123"`).',
    '- **Relative paths** (`url_file`, `query_file`, `tls.*_file`, `destination.path`) are relative to the directory of the config file.',
    `- **Durations** are a whole number with a unit: ${Object.keys(DURATION_UNITS).map((u) => `\`${u}\``).join(', ')} (seconds, minutes, hours, days), e.g. \`15m\`.`,
    `- **Sizes** are a whole number of bytes or a number with a unit: ${SIZE_UNITS.map((u) => `\`${u}\``).join(', ')}. \`1MB\` is 1000 × 1000 bytes, \`1MiB\` is 1024 × 1024 bytes.`,
    `- **Destination placeholders:** ${placeholders}. Any other \`{name}\` is an error.`,
    `- **Column overrides:** \`decimal(p,s)\` (1 ≤ p ≤ ${MAX_DECIMAL_PRECISION}, 0 ≤ s ≤ p; \`decimal(p)\` means scale 0) or one of ${SIMPLE_OVERRIDE_KINDS.map((k) => `\`${k}\``).join(', ')}.`,
    `- **Connection URLs:** \`postgres://\`, \`postgresql://\`, \`mysql://\`, \`mariadb://\` (read as mysql). User and password are percent-decoded. Query parameters: ${URL_PARAMS.map((p) => `\`${p}\``).join(', ')}. \`source.type\` must match the scheme. Logs show the URL with the password as \`***\`.`,
    '- **Table names:** `name` or `schema.name`. On PostgreSQL, unquoted parts fold to lower case as in SQL; quote a part (`"My Schema"."My.Table"`) to keep its case and dots. MySQL names are kept as written.',
    '',
  ]
}

function errorSection(): string[] {
  return [
    '## Errors',
    '',
    'Rivet reports every problem of a config file at once, as one `RIVET_CONFIG_INVALID` error whose items carry a code, the path of the value (`exports[1].compression`), the line in the file, a message and a hint. A missing file is `RIVET_CONFIG_NOT_FOUND`; a YAML syntax error is `RIVET_CONFIG_YAML` with its line and column.',
    '',
    '| Item code | Reported when |',
    '| --- | --- |',
    ...Object.entries(ISSUE_CODE_DOCS).map(([c, text]) => `| \`${c}\` | ${cell(text)} |`),
    '',
  ]
}

/** The Markdown of docs/configuration.md. */
export function renderConfigReference(): string {
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated by renderConfigReference() in src/config/render-reference.ts from src/config/schema.ts. Do not edit by hand. -->',
    '',
    'A Rivet config is a YAML file with one `source` and a list of `exports`. `rivet schema config` prints the same rules as JSON Schema for editors.',
    '',
    '```yaml',
    EXAMPLE_CONFIG.trimEnd(),
    '```',
    '',
  ]
  for (const [spec, places] of collectObjects()) {
    const where = places.length > 1 ? ` Appears at ${places.map((p) => `\`${p}\``).join(' and ')}.` : ''
    lines.push(...objectSection(spec, where))
  }
  lines.push(...modeSection(), ...profileSection(), ...syntaxSection(), ...errorSection())
  return `${lines.join('\n').trimEnd()}\n`
}
