import type { PlanFile, PlannedDestination, PlannedExport } from '../../plan-file/index.js'
import { formatBytes, formatCount } from './format.js'

/** Ranges listed in full up to this many; longer lists show their ends. */
const RANGES_SHOWN = 12

/** The human summary of a plan: one block per export, then how to apply it. */
export function renderPlanText(plan: PlanFile, planPath: string): string {
  const lines: string[] = [
    `plan ${planPath}: ${plan.exports.length} export(s) from ${plan.source.type} ${plan.source.host}/${plan.source.database}`,
    `  config ${plan.config_path} (sha256 ${plan.config_sha256.slice(0, 16)}…), made ${plan.created_at} by rivet ${plan.rivet_version}`,
  ]
  for (const e of plan.exports) lines.push(...renderExport(e))
  const expires = new Date(Date.parse(plan.created_at) + 24 * 3_600_000).toISOString()
  lines.push(`apply with \`rivet apply ${planPath}\` before ${expires}; the plan is sealed: any edit makes apply refuse it`)
  return `${lines.join('\n')}\n`
}

function renderExport(e: PlannedExport): string[] {
  const what = e.table ?? 'query'
  const rows = e.estimated_rows === null ? '' : ` · about ${formatCount(e.estimated_rows)} rows`
  const lines = [`• ${e.name} (${what}): ${describeRead(e)}${rows} → ${e.output.format}/${e.output.compression} ${destination(e.output.destination)}`]
  if (e.chunks !== null) {
    const ranges = e.chunks.ranges
    const shown = ranges.length <= RANGES_SHOWN ? ranges : [...ranges.slice(0, RANGES_SHOWN - 2), ...ranges.slice(-2)]
    shown.forEach((r, i) => {
      if (ranges.length > RANGES_SHOWN && i === RANGES_SHOWN - 2) lines.push(`    … ${ranges.length - RANGES_SHOWN} more chunk(s), listed in the plan file`)
      lines.push(`    chunk ${r.index}: ${r.predicate ?? 'every row'}`)
    })
  }
  if (e.incremental !== null) {
    const c = e.incremental.cursor
    lines.push(c === null ? '    cursor: none yet — every row is read' : `    cursor: ${c.value} (${c.type}, stored by run ${c.run_id}${c.boundary_keys !== null ? `, ${c.boundary_keys.length} boundary key(s)${c.boundary_complete ? '' : ', incomplete'}` : ''})`)
    if (e.incremental.predicate !== null) lines.push(`    reads: ${truncate(e.incremental.predicate, 300)}`)
  }
  if (e.time_window !== null) lines.push(`    window: the last ${e.time_window.days_window} day(s) of ${e.time_window.column}, by the server's clock when applied`)
  for (const d of e.diagnostics) lines.push(`    note: ${d}`)
  if (e.output.max_file_size_bytes !== null) lines.push(`    files split at ${formatBytes(e.output.max_file_size_bytes)}`)
  return lines
}

function describeRead(e: PlannedExport): string {
  if (e.chunks !== null) {
    const c = e.chunks
    const clamped = c.parallel < c.parallel_requested ? ` (of ${c.parallel_requested} requested)` : ''
    return `chunked on ${c.column} (${c.strategy}), ${c.ranges.length} chunk(s), ${c.parallel} in parallel${clamped}${c.checkpoint ? ', checkpointed' : ''}`
  }
  const how: Record<PlannedExport['read']['strategy'], string> = {
    ctid: 'one snapshot, physical page ranges',
    cursor: 'one snapshot, through a cursor',
    keyset: `one snapshot, key pages on ${e.read.page_key?.join(', ') ?? ''}`,
    stream: 'one snapshot, one streaming statement',
    incremental: `incremental on ${e.incremental?.cursor_column ?? ''} (${e.incremental?.tie ?? ''})`,
    chunks: 'chunks',
  }
  return `${e.mode === 'chunked' ? 'chunked but small: ' : ''}${how[e.read.strategy]}`
}

function destination(d: PlannedDestination): string {
  switch (d.type) {
    case 'local':
      return d.path
    case 's3':
    case 'gcs':
      return `${d.type === 's3' ? 's3' : 'gs'}://${d.bucket}/${d.prefix}`
    case 'stdout':
      return 'standard output'
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
