/**
 * `table:` values: `name` or `schema.name`, each part bare or quoted ("My Schema"."My.Table",
 * or `backticks` for MySQL habits). Quoted parts keep case and dots; a doubled quote inside
 * a quoted part stands for one quote character.
 */
import type { ResolvedTableRef, SourceType } from './types.js'

interface Part {
  readonly text: string
  readonly quoted: boolean
}

/** Split a table reference into its parts, or return a sentence saying what is wrong. */
export function splitTableName(input: string): Part[] | { error: string } {
  const parts: Part[] = []
  let i = 0
  const s = input.trim()
  while (i <= s.length) {
    const quote = s[i] === '"' || s[i] === '`' ? s[i] : null
    let text = ''
    if (quote) {
      i++
      for (;;) {
        if (i >= s.length) return { error: `unterminated ${quote} quote` }
        if (s[i] === quote && s[i + 1] === quote) { text += quote; i += 2; continue }
        if (s[i] === quote) { i++; break }
        text += s[i++]
      }
    } else {
      while (i < s.length && s[i] !== '.') {
        if (s[i] === '"' || s[i] === '`' || /\s/.test(s[i])) return { error: 'quote a name that contains spaces or quotes' }
        text += s[i++]
      }
    }
    if (text === '') return { error: 'empty name part' }
    parts.push({ text, quoted: quote !== null })
    if (i >= s.length) break
    if (s[i] !== '.') return { error: 'expected a dot between schema and table' }
    i++
    if (i >= s.length) return { error: 'empty name part' }
  }
  if (parts.length > 2) return { error: 'use name or schema.name' }
  return parts
}

/** Resolve a table reference; PostgreSQL folds unquoted identifiers to lower case, MySQL does not. */
export function parseTableName(input: string, sourceType: SourceType | undefined): ResolvedTableRef | { error: string } {
  const parts = splitTableName(input)
  if (!Array.isArray(parts)) return parts
  const fold = (p: Part): string => (sourceType === 'postgres' && !p.quoted ? p.text.toLowerCase() : p.text)
  return parts.length === 2 ? { schema: fold(parts[0]), name: fold(parts[1]) } : { schema: null, name: fold(parts[0]) }
}
