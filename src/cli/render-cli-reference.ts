import { createCli } from './index.js'

/** The Markdown CLI reference (docs/cli.md), generated from the commands' own usage. */
export function renderCliReference(): string {
  const cli = createCli()
  const definitions = cli.definitions().filter((d) => !d.path.endsWith('-h') && d.usage !== undefined)
  const lines = [
    '# CLI reference',
    '',
    '<!-- generated from the commands\' usage by src/cli/render-cli-reference.ts: `make docs` -->',
    '',
    'Every command prints errors on stderr as `[RIVET_CODE] message` followed by a hint, and accepts',
    '`--json-errors` to print one JSON object instead. Exit codes: `0` ok · `1` config or generic error ·',
    '`2` retryable · `3` data integrity · `4` schema drift.',
    '',
    '`rivet --version` prints the version; `rivet --help` lists the commands; `rivet <command> --help` shows one.',
    '',
  ]
  for (const d of definitions) {
    lines.push(`## \`${d.path}\``, '', `${capitalize(clean(d.description ?? ''))}.`, '', '```', placeholders(d.usage), '```', '')
    if (d.details) lines.push(unwrap(d.details), '')
    if (d.options.length > 0) {
      lines.push('| option | description |', '|---|---|')
      for (const o of d.options) lines.push(`| \`${placeholders(o.definition)}\` | ${clean(o.description ?? '')}${o.required ? ' (required)' : ''} |`)
      lines.push('')
    }
    if (d.examples && d.examples.length > 0) {
      lines.push('Examples:', '')
      for (const [title, cmd] of d.examples) lines.push(`- ${clean(title)}: \`${clean(cmd).replace(/\$0/g, 'rivet')}\``)
      lines.push('')
    }
  }
  return `${lines.join('\n').trimEnd()}\n`
}

/** Clipanion wraps text at 80 columns: join a paragraph back into one line. */
function unwrap(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => p.split('\n').map((l) => l.trim()).join(' '))
    .join('\n\n')
}

function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** `#0` is clipanion's name for an option's value. */
function placeholders(text: string): string {
  return clean(text).replace(/ #0/g, ' <value>')
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
