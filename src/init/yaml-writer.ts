/**
 * Writes the config `rivet init` generates: plain YAML with a comment on every decision. Built by
 * hand rather than through a YAML library so that comments sit exactly where they explain
 * something, and so that quoting is predictable for odd table and column names.
 */
import type { YamlField, YamlValue } from './types.js'

/** One export as written: comment lines above it, its keys in order, and its column overrides. */
export interface ExportDraft {
  readonly comments: readonly string[]
  readonly fields: readonly YamlField[]
  /** `columns:` entries; the key is the column name (not interpolated, written as is). */
  readonly columns: readonly YamlField[]
}

/** The whole generated file. */
export interface ConfigDraft {
  readonly header: readonly string[]
  readonly source: readonly YamlField[]
  /** Comment lines inside `source:`, above its keys. */
  readonly sourceComments: readonly string[]
  readonly exports: readonly ExportDraft[]
  /** Comment lines at the end (tables left out, and why). */
  readonly footer: readonly string[]
}

const PLAIN_RE = /^[A-Za-z_][A-Za-z0-9_./-]*$/
// words YAML 1.1 readers (and some 1.2 ones) turn into booleans or null
const RESERVED_RE = /^(?:true|false|yes|no|on|off|y|n|null|nan|inf)$/i
// characters that cannot appear raw inside a quoted scalar: C0/C1 controls, line and paragraph separators, BOM
const NON_PRINTABLE_RE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/

/**
 * A string as a YAML scalar: plain when unambiguous, else double-quoted, or single-quoted when it
 * holds `"` or `\` (table references like `"public"."Order"` stay readable), or double-quoted with
 * escapes when it holds a control character.
 */
export function yamlString(text: string): string {
  if (PLAIN_RE.test(text) && !RESERVED_RE.test(text)) return text
  if (NON_PRINTABLE_RE.test(text)) return doubleQuoted(text)
  if (text.includes('"') || text.includes('\\')) return `'${text.replace(/'/g, "''")}'`
  return `"${text}"`
}

function doubleQuoted(text: string): string {
  let out = '"'
  for (const ch of text) {
    if (ch === '"' || ch === '\\') out += `\\${ch}`
    else if (NON_PRINTABLE_RE.test(ch)) {
      const code = ch.codePointAt(0)!
      out += code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
    } else out += ch
  }
  return `${out}"`
}

/**
 * A string value of the config. Values go through `${VAR}` interpolation when the config is
 * loaded, where `$$` stands for one `$`: every `$` is doubled so a name like `price$usd` or
 * `a${b}` arrives as written.
 */
export function yamlValueString(text: string): string {
  return yamlString(text.replace(/\$/g, '$$$$'))
}

/** Render a value (strings are interpolated values, see yamlValueString). */
export function yamlValue(value: YamlValue): string {
  if (typeof value === 'string') return yamlValueString(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return `[${(value as readonly string[]).map(yamlValueString).join(', ')}]`
  const flow = (value as { flow: readonly (readonly [string, string])[] }).flow
  return `{ ${flow.map(([k, v]) => `${yamlString(k)}: ${yamlValueString(v)}`).join(', ')} }`
}

/** A comment's text on one line: line breaks and control characters would end the comment early. */
export function commentText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim()
}

function line(indent: string, key: string, rendered: string, comment: string | undefined): string {
  const text = `${indent}${key}: ${rendered}`
  return comment === undefined || commentText(comment) === '' ? text : `${text}   # ${commentText(comment)}`
}

function commentLines(indent: string, comments: readonly string[]): string[] {
  return comments.map((c) => `${indent}# ${commentText(c)}`.trimEnd())
}

/** The YAML text of a draft. */
export function renderConfigYaml(draft: ConfigDraft): string {
  const out: string[] = [...commentLines('', draft.header)]
  out.push('source:')
  out.push(...commentLines('  ', draft.sourceComments))
  for (const f of draft.source) out.push(line('  ', yamlString(f.key), yamlValue(f.value), f.comment))
  out.push('exports:')
  draft.exports.forEach((exp, i) => {
    if (i > 0) out.push('')
    out.push(...commentLines('  ', exp.comments))
    exp.fields.forEach((f, j) => out.push(line(j === 0 ? '  - ' : '    ', yamlString(f.key), yamlValue(f.value), f.comment)))
    if (exp.columns.length === 0) return
    out.push('    columns:')
    // override keys are column names: matched as written, never interpolated
    for (const c of exp.columns) out.push(line('      ', yamlString(c.key), yamlValue(c.value), c.comment))
  })
  if (draft.footer.length > 0) out.push('', ...commentLines('', draft.footer))
  return `${out.join('\n')}\n`
}
