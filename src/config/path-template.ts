/** Destination path templates: `{export}` and `{date}` are expanded per export and run. */

/** The placeholders a destination path may contain, with what they expand to. */
export const PATH_PLACEHOLDERS: Readonly<Record<string, string>> = {
  export: 'the name of the export',
  date: 'the UTC date of the run, as YYYY-MM-DD',
}

/** Check a path template; returns null when valid, else a sentence saying what is wrong. */
export function checkPathTemplate(template: string): string | null {
  if (template.trim() === '') return 'the path is empty'
  const known = Object.keys(PATH_PLACEHOLDERS)
  for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
    if (!known.includes(match[1])) {
      return `{${match[1]}} is not a known placeholder; use ${known.map((k) => `{${k}}`).join(' or ')}`
    }
  }
  const stripped = template.replace(/\{[^{}]*\}/g, '')
  if (stripped.includes('{') || stripped.includes('}')) return 'unbalanced { or } in the path'
  return null
}
