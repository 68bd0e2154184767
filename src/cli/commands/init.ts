import { relative } from 'node:path'
import { Command, Option } from 'clipanion'
import * as t from 'typanion'
import type { InitResult } from '../../init/index.js'
import { RivetCommand } from '../base-command.js'

/** `rivet init`: generate a config from a live database. */
export class InitCommand extends RivetCommand {
  static override paths = [['init']]
  static override usage = Command.Usage({
    category: 'Configuration',
    description: 'generate a config from a live database',
    details: `
      Connects to the PostgreSQL or MySQL/MariaDB source, lists the base tables of a schema (default \`public\`; on MySQL the URL's database) or takes the one table named with --table, and writes one export per table. Each export's mode comes from the catalog's row estimate and keys, with a comment saying why: an indexed updated-at-like timestamp gives \`incremental\`; a large table with a single-column integer primary key gives \`chunked\` (parallel readers within the connection budget); anything else \`full\`. Column types \`rivet run\` would refuse (bare \`numeric\`, point, ranges, geometry...) get a \`columns:\` override. The file is checked with the same parser and type mapping as \`rivet run\` before it is written.

      The file never holds a password: with --source-env VAR it says \`url_env: VAR\`; with --source URL it says \`url_env: RIVET_SOURCE_URL\` and a comment shows what to export. An existing file is replaced only with --force. See docs/init.md.
    `,
    examples: [
      ['Every table of the public schema into rivet.yaml', '$0 init --source-env DATABASE_URL'],
      ['Some tables of a schema, as CSV', '$0 init --source-env DATABASE_URL --schema sales --include "order*" --exclude "*_tmp" --format csv'],
      ['One table, printed to stdout', '$0 init --source-env DATABASE_URL --table public.orders -o -'],
      ['Replace an existing file', '$0 init --source-env DATABASE_URL -o rivet.yaml --force'],
    ],
  })

  sourceEnv = Option.String('--source-env', { description: 'Environment variable that holds the connection URL; the file gets url_env: VAR' })
  source = Option.String('--source', { description: 'Connection URL; the file gets url_env: RIVET_SOURCE_URL, never the password' })
  table = Option.String('--table', { description: 'One table (name or schema.name) instead of a whole schema' })
  schema = Option.String('--schema', { description: 'Schema (MySQL: database) whose base tables to export; default public, or the URL\'s database' })
  include = Option.Array('--include', [], { description: 'Only tables whose name matches this glob (* and ?; repeatable)' })
  exclude = Option.Array('--exclude', [], { description: 'Leave out tables whose name matches this glob (repeatable)' })
  output = Option.String('-o,--output', 'rivet.yaml', { description: 'File to write; - prints the config on stdout' })
  format = Option.String('--format', 'parquet', { description: 'Output format of every export: parquet or csv', validator: t.isEnum(['parquet', 'csv'] as const) })
  force = Option.Boolean('--force', false, { description: 'Replace the output file if it exists' })
  quiet = Option.Boolean('-q,--quiet', false, { description: 'No summary' })

  protected async run(): Promise<number> {
    const { runInit } = await import('../../init/index.js')
    const toStdout = this.output === '-'
    // with the config on stdout, everything else goes to stderr
    const say = toStdout ? (text: string) => this.err(text) : (text: string) => this.out(text)
    const result = await runInit({
      ...(this.sourceEnv !== undefined ? { sourceEnv: this.sourceEnv } : {}),
      ...(this.source !== undefined ? { source: this.source } : {}),
      ...(this.table !== undefined ? { table: this.table } : {}),
      ...(this.schema !== undefined ? { schema: this.schema } : {}),
      include: this.include,
      exclude: this.exclude,
      output: this.output,
      format: this.format,
      force: this.force,
      log: this.quiet ? () => undefined : (line) => this.err(`${line}\n`),
    })
    if (toStdout) this.out(result.text)
    if (!this.quiet) say(renderInitSummary(result))
    return 0
  }
}

/** What was generated, one line per export, and what to do next. */
export function renderInitSummary(result: InitResult): string {
  const lines = [`rivet init: ${result.source.redactedUrl}, ${result.scope}`]
  const width = Math.max(...result.exports.map((e) => e.name.length))
  for (const e of result.exports) {
    const overrides = e.overrides.length > 0 ? ` [columns: ${e.overrides.join(', ')}]` : ''
    lines.push(`  ${e.name.padEnd(width)}  ${e.mode.padEnd(11)}  ${e.why}${overrides}`)
  }
  for (const s of result.skipped) lines.push(`  left out ${s.schema}.${s.name}: ${s.reason}`)
  const byMode = (['chunked', 'incremental', 'full'] as const).map((m) => [m, result.exports.filter((e) => e.mode === m).length] as const).filter(([, n]) => n > 0)
  const overrides = result.exports.reduce((n, e) => n + e.overrides.length, 0)
  const what = `${result.exports.length} export${result.exports.length === 1 ? '' : 's'} (${byMode.map(([m, n]) => `${n} ${m}`).join(', ')}), ${overrides} column override${overrides === 1 ? '' : 's'}`
  const file = result.path === null ? 'rivet.yaml' : relative(process.cwd(), result.path) || result.path
  lines.push(result.path === null ? `printed ${what}` : `wrote ${file}: ${what}`)
  lines.push('next:')
  if (!result.source.fromEnv) {
    const note = result.source.hasPassword ? '   (with the password in place of ***)' : ''
    lines.push(`  export ${result.source.urlEnv}='${result.source.redactedUrl}'${note}`)
  }
  lines.push(`  rivet doctor -c ${file}`, `  rivet run -c ${file}`)
  return `${lines.join('\n')}\n`
}
