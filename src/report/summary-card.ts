import type { RunSummary } from '../engine/run-summary.js'
import type { QualityCheckResult, SchemaDrift, ShapeGrowth } from '../quality/types.js'
import { countQuality, describeColumnType, qualityLabel, sharedBaseline } from './describe.js'
import { formatBytes, formatCount, formatDuration, formatFactor, plural } from './format.js'

/** Options of the terminal card. */
export interface SummaryCardOptions {
  /** ANSI colours for the status marks and problems (default false: plain text). */
  readonly color?: boolean
  /** How many warnings the card lists before counting the rest (default 3). */
  readonly maxWarnings?: number
}

/** Longest warning or message the card prints on one line; the journal and the Markdown keep them whole. */
const MAX_LINE = 200

type Paint = (text: string, color: 'green' | 'red' | 'yellow') => string

const ANSI = { green: 32, red: 31, yellow: 33 } as const

/**
 * The card a run ends with, for a terminal: a header and the figures, then only what has something
 * to say (retries, warnings, schema drift, shape growth, quality, the error). A clean run is two lines.
 */
export function renderSummaryCard(summary: RunSummary, options: SummaryCardOptions = {}): string {
  const paint: Paint = options.color ? (text, color) => `\u001b[${ANSI[color]}m${text}\u001b[39m` : (text) => text
  const lines = [header(summary, paint)]
  if (summary.status === 'completed' || summary.rows > 0 || summary.files > 0) lines.push(`  ${figures(summary)}`)
  if (summary.retries > 0) lines.push(`  ${plural(summary.retries, 'retry', 'retries')}`)
  lines.push(...warningLines(summary.warnings, options.maxWarnings ?? 3, paint))
  if (summary.schemaDrift !== null) lines.push(...driftLines(summary.schemaDrift, summary.schemaDriftPolicy, paint))
  if (summary.shapeGrowth.length > 0) lines.push(...shapeLines(summary.shapeGrowth, paint))
  if (summary.quality.length > 0) lines.push(...qualityLines(summary.quality, paint))
  if (summary.error !== null) lines.push(`  ${paint('error:', 'red')} [${summary.error.code}] ${clip(summary.error.message)}`)
  return `${lines.join('\n')}\n`
}

function header(s: RunSummary, paint: Paint): string {
  const mark = s.status === 'completed' ? paint('✓', 'green') : paint('✗', 'red')
  const outcome = s.status === 'completed' ? `completed in ${formatDuration(s.durationMs)}` : `failed after ${formatDuration(s.durationMs)}`
  return `${mark} ${s.exportName}: ${outcome} · run ${s.runId} (${s.mode})`
}

function figures(s: RunSummary): string {
  const parts = [`${plural(s.rows, 'row')} → ${plural(s.files, 'file')}, ${formatBytes(s.bytes)}`]
  if (s.rowsPerSec !== null) parts.push(`${formatCount(s.rowsPerSec)} rows/s`)
  parts.push(`peak RSS ${formatBytes(s.peakRssBytes)}`)
  return parts.join(' · ')
}

function warningLines(warnings: readonly string[], max: number, paint: Paint): string[] {
  if (warnings.length === 0) return []
  const shown = warnings.slice(0, Math.max(0, max))
  const lines = [`  ${paint(`${plural(warnings.length, 'warning')}:`, 'yellow')}`, ...shown.map((w) => `    - ${clip(w)}`)]
  if (warnings.length > shown.length) lines.push(`    … and ${formatCount(warnings.length - shown.length)} more in the run's journal (rivet journal --kind warning)`)
  return lines
}

function driftLines(drift: SchemaDrift, policy: string, paint: Paint): string[] {
  const lines = [`  ${paint('schema drift', policy === 'fail' ? 'red' : 'yellow')} since run ${drift.baselineRunId} (on_schema_drift: ${policy}):`]
  for (const c of drift.added) lines.push(`    + ${c.name}  ${describeColumnType(c)}  added`)
  for (const c of drift.removed) lines.push(`    - ${c.name}  ${describeColumnType(c)}  removed`)
  for (const c of drift.retyped) lines.push(`    ~ ${c.name}  ${describeColumnType(c.from)} → ${describeColumnType(c.to)}  retyped`)
  return lines
}

function shapeLines(growth: readonly ShapeGrowth[], paint: Paint): string[] {
  const baseline = sharedBaseline(growth)
  const lines = [`  ${paint('shape growth', 'yellow')}${baseline === null ? '' : ` since run ${baseline}`} (largest value per column):`]
  for (const g of growth) {
    const since = baseline === null ? `  since run ${g.baselineRunId}` : ''
    lines.push(`    ${g.column}  ${formatBytes(g.previousMaxBytes)} → ${formatBytes(g.maxBytes)} (${formatFactor(g.factor)})${since}`)
  }
  return lines
}

function qualityLines(results: readonly QualityCheckResult[], paint: Paint): string[] {
  // all passed: one line naming the checks; otherwise every check with its message
  if (results.every((r) => r.status === 'passed')) return [`  quality: ${countQuality(results)} (${results.map(qualityLabel).join(', ')})`]
  const failed = results.some((r) => r.status === 'failed')
  const lines = [`  ${paint('quality:', failed ? 'red' : 'yellow')} ${countQuality(results)}`]
  for (const r of results) {
    const mark = r.status === 'passed' ? paint('✓ passed ', 'green') : r.status === 'failed' ? paint('✗ failed ', 'red') : paint('- skipped', 'yellow')
    lines.push(`    ${mark}  ${qualityLabel(r)}: ${clip(r.message)}`)
  }
  return lines
}

/** One line, at most MAX_LINE characters. */
function clip(text: string): string {
  const line = text.replace(/\s*\n\s*/g, ' ')
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line
}
