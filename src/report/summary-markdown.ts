import type { RunSummary } from '../engine/run-summary.js'
import type { QualityCheckResult, SchemaDrift, ShapeGrowth } from '../quality/types.js'
import { countQuality, describeColumnType, qualityLabel } from './describe.js'
import { formatBytes, formatCount, formatDuration, formatFactor } from './format.js'

/** Most warnings the document lists; the run's journal keeps every one. */
const MAX_WARNINGS = 100

/**
 * The run summary as a Markdown document (kept with the state, printed by `rivet state summary`):
 * a heading, a table of figures, then sections for the error, warnings, schema drift, shape growth
 * and quality, each only when it has content.
 */
export function renderSummaryMarkdown(summary: RunSummary): string {
  const sections = [overview(summary), figuresTable(summary)]
  if (summary.error !== null) sections.push(`## Error\n\n${code(summary.error.code)} ${text(summary.error.message)}`)
  if (summary.warnings.length > 0) sections.push(warningsSection(summary.warnings))
  if (summary.schemaDrift !== null) sections.push(driftSection(summary.schemaDrift, summary.schemaDriftPolicy))
  if (summary.shapeGrowth.length > 0) sections.push(shapeSection(summary.shapeGrowth))
  if (summary.quality.length > 0) sections.push(qualitySection(summary.quality))
  return `${sections.join('\n\n')}\n`
}

function overview(s: RunSummary): string {
  const mark = s.status === 'completed' ? '✓' : '✗'
  return [
    `# ${mark} ${text(s.exportName)}: ${s.status}`,
    '',
    `Run ${code(s.runId)} (${text(s.mode)}), started ${s.startedAt}, finished ${s.finishedAt}.`,
  ].join('\n')
}

function figuresTable(s: RunSummary): string {
  const rows: [string, string][] = [
    ['Rows', formatCount(s.rows)],
    ['Files', formatCount(s.files)],
    ['Bytes', s.bytes < 1000 ? formatBytes(s.bytes) : `${formatBytes(s.bytes)} (${formatCount(s.bytes)} B)`],
    ['Duration', formatDuration(s.durationMs)],
    ['Rows/s', s.rowsPerSec === null ? '–' : formatCount(s.rowsPerSec)],
    ['Peak RSS', formatBytes(s.peakRssBytes)],
    ['Retries', formatCount(s.retries)],
    ['Warnings', formatCount(s.warnings.length)],
  ]
  return table(['Figure', 'Value'], rows, ['left', 'right'])
}

function warningsSection(warnings: readonly string[]): string {
  const lines = [`## Warnings (${formatCount(warnings.length)})`, '', ...warnings.slice(0, MAX_WARNINGS).map((w) => `- ${text(w)}`)]
  if (warnings.length > MAX_WARNINGS) lines.push(`- … and ${formatCount(warnings.length - MAX_WARNINGS)} more in the run's journal (\`rivet journal --kind warning\`)`)
  return lines.join('\n')
}

function driftSection(drift: SchemaDrift, policy: string): string {
  const rows: string[][] = [
    ...drift.added.map((c) => ['added', code(c.name), '', describeColumnType(c)]),
    ...drift.removed.map((c) => ['removed', code(c.name), describeColumnType(c), '']),
    ...drift.retyped.map((c) => ['retyped', code(c.name), describeColumnType(c.from), describeColumnType(c.to)]),
  ]
  const intro = `Compared with run ${code(drift.baselineRunId)}; policy ${code(`on_schema_drift: ${policy}`)}.`
  return `## Schema drift\n\n${intro}\n\n${table(['Change', 'Column', 'Before', 'Now'], rows)}`
}

function shapeSection(growth: readonly ShapeGrowth[]): string {
  const rows = growth.map((g) => [code(g.column), formatBytes(g.previousMaxBytes), formatBytes(g.maxBytes), formatFactor(g.factor), code(g.baselineRunId)])
  return `## Shape growth\n\nThe largest value of these columns grew past \`shape_drift_warn_factor\`.\n\n${table(['Column', 'Before', 'Now', 'Factor', 'Compared with run'], rows)}`
}

function qualitySection(results: readonly QualityCheckResult[]): string {
  const rows = results.map((r) => [r.status === 'passed' ? '✓ passed' : r.status === 'failed' ? '✗ failed' : '– skipped', code(qualityLabel(r)), text(String(r.expected)), formatMeasure(r.actual), text(r.message)])
  return `## Quality (${countQuality(results)})\n\n${table(['Status', 'Check', 'Expected', 'Actual', 'Message'], rows)}`
}

/** What a check measured: a count with separators, a ratio with four significant digits. */
function formatMeasure(n: number): string {
  return Number.isInteger(n) ? formatCount(n) : String(Number(n.toPrecision(4)))
}

/** A GFM table; cells are already Markdown, pipes inside them are escaped here. */
function table(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly ('left' | 'right')[] = []): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`
  const rule = `| ${headers.map((_, i) => (align[i] === 'right' ? '--:' : '---')).join(' | ')} |`
  return [line(headers), rule, ...rows.map(line)].join('\n')
}

/** Plain text made safe for Markdown: one line, its punctuation escaped. */
function text(value: string): string {
  return value.replace(/\s*\r?\n\s*/g, ' ').replace(/[\\`*_[\]<>#~]/g, (c) => `\\${c}`)
}

/** An inline code span that holds any text, backticks included. */
function code(value: string): string {
  const single = value.replace(/\s*\r?\n\s*/g, ' ')
  const longest = Math.max(0, ...(single.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  const pad = single.startsWith('`') || single.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${single}${pad}${fence}`
}
