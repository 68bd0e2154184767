/** The Slack message built from a run or check report: content, batching, limits, escaping, secrets. */
import { describe, expect, it } from 'vitest'
import type { ExportResult, RunReport } from '../../../src/engine/index.js'
import { RivetError } from '../../../src/errors/index.js'
import {
  buildSlackPayload,
  checkEvents,
  clip,
  fitLines,
  retryAfterMs,
  runEvents,
  selectEvents,
  SLACK_LIMITS,
  type MessageContext,
  type NotifyEvent,
  type SlackPayload,
} from '../../../src/notify/index.js'
import type { CheckReport, ExportCheck } from '../../../src/preflight/check.js'
import type { SchemaDrift } from '../../../src/quality/index.js'

const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/secret-hook-5c1d'
const PASSWORD = 'pg-Pass-e41b'

const context = (over: Partial<MessageContext> = {}): MessageContext => ({
  command: 'run',
  configPath: '/etc/rivet/nightly.yaml',
  host: 'etl-01',
  at: new Date('2026-11-25T03:00:00Z'),
  exportCount: 3,
  mention: null,
  secrets: [WEBHOOK, PASSWORD],
  ...over,
})

/** An ExportResult with only what the notifier reads filled in. */
function result(name: string, options: { error?: RivetError; drift?: SchemaDrift; policy?: 'warn' | 'continue' | 'fail'; rows?: number } = {}): ExportResult {
  const error = options.error ?? null
  return {
    exportName: name,
    runId: `run-${name}`,
    status: error ? 'failed' : 'completed',
    rows: options.rows ?? 0,
    error,
    summary: { rows: options.rows ?? 0, durationMs: 1500, schemaDrift: options.drift ?? null, schemaDriftPolicy: options.policy ?? 'warn' },
  } as unknown as ExportResult
}

const report = (...results: ExportResult[]): RunReport => ({ configPath: '/etc/rivet/nightly.yaml', results, exitCode: 1, processPeakRssBytes: 0, stdoutTaken: false })

const missingTable = (name = 'public.gone') =>
  new RivetError('RIVET_SOURCE_NOT_FOUND', `relation "${name}" does not exist`, { hint: 'check the table or column name; names are case-sensitive when quoted' })

const col = (name: string, sourceType = 'text') => ({ name, type: 'utf8', sourceType })

/** Every text of the payload, for searching. */
const allText = (p: SlackPayload): string => JSON.stringify(p)

function sections(p: SlackPayload): string[] {
  return p.blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : []))
}

function expectWithinLimits(p: SlackPayload): void {
  expect(p.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks)
  for (const b of p.blocks) {
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText)
    if (b.type === 'section') expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText)
  }
  expect(p.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText)
  const total = p.blocks.reduce((n, b) => n + (b.type === 'context' ? b.elements.reduce((m, e) => m + e.text.length, 0) : b.text.text.length), 0)
  // the overflow line may go past the budget by at most one section
  expect(total).toBeLessThanOrEqual(SLACK_LIMITS.totalText + SLACK_LIMITS.sectionText)
}

describe('failure', () => {
  it('names the export, run, code, message, hint, rows, duration and host; header and fallback agree', () => {
    const events = runEvents(report(result('orders', { error: missingTable(), rows: 1234 }), result('customers')))
    expect(events.map((e) => e.kind)).toEqual(['failure'])
    const p = buildSlackPayload(events, context())!
    expectWithinLimits(p)
    expect(p.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Rivet run: 1 failed' } })
    const [section] = sections(p)
    expect(section).toContain('*orders* failed')
    expect(section).toContain('`RIVET_SOURCE_NOT_FOUND`')
    expect(section).toContain('relation "public.gone" does not exist')
    expect(section).toContain('_Hint:_ check the table or column name')
    expect(section).toContain('`run-orders`')
    expect(section).toContain('1,234 rows read')
    expect(section).toContain('1.5 s')
    expect(allText(p)).toContain('etl-01')
    expect(allText(p)).toContain('/etc/rivet/nightly.yaml')
    expect(p.text).toContain('Rivet run on etl-01: 1 failed')
    expect(p.text).toContain('orders failed: RIVET_SOURCE_NOT_FOUND')
    expect(allText(p)).not.toContain('customers failed')
  })

  it('never carries the webhook URL or the source password, even when a message holds them', () => {
    const leaky = new RivetError('RIVET_SOURCE_AUTH', `login for postgres://etl:${PASSWORD}@db/shop refused; posted to ${WEBHOOK}`, { hint: `retry ${encodeURIComponent(WEBHOOK)}` })
    const p = buildSlackPayload(runEvents(report(result('orders', { error: leaky }))), context())!
    expect(allText(p)).not.toContain(PASSWORD)
    expect(allText(p)).not.toContain('secret-hook-5c1d')
    expect(allText(p)).toContain('postgres://etl:***@db/shop')
  })

  it('escapes &, < and > so a message cannot mention @channel or forge a link', () => {
    const sneaky = new RivetError('RIVET_SOURCE_QUERY', 'syntax error near <!channel> & <https://evil|click>')
    const p = buildSlackPayload(runEvents(report(result('orders', { error: sneaky }))), context())!
    expect(allText(p)).not.toContain('<!channel>')
    expect(sections(p)[0]).toContain('&lt;!channel&gt; &amp; &lt;https://evil|click&gt;')
  })

  it('cuts a huge message to the section limit', () => {
    const huge = new RivetError('RIVET_SOURCE_QUERY', `bad query: ${'x<&'.repeat(5000)}`)
    const p = buildSlackPayload(runEvents(report(result('orders', { error: huge }))), context())!
    expectWithinLimits(p)
    const [section] = sections(p)
    expect(section).toContain('…')
    // the cut never leaves half an escape behind
    expect(section).not.toMatch(/&(a|am|l|g)?…/)
    expect(section).toContain('run-orders')
  })

  it('mentions @here only when a failure is reported', () => {
    const failed = buildSlackPayload(runEvents(report(result('orders', { error: missingTable() }))), context({ mention: 'here' }))!
    expect(failed.text.startsWith('<!here> ')).toBe(true)
    expect(sections(failed)[0]).toBe('<!here> 1 failed')
    const drift: SchemaDrift = { baselineRunId: 'run-0', added: [col('extra')], removed: [], retyped: [] }
    const changed = buildSlackPayload(runEvents(report(result('orders', { drift }))), context({ mention: 'channel' }))!
    expect(allText(changed)).not.toContain('<!channel>')
  })
})

describe('schema_change', () => {
  const drift: SchemaDrift = {
    baselineRunId: 'run-prev',
    added: [col('extra')],
    removed: [col('name')],
    retyped: [{ name: 'amount', from: { type: 'decimal(10,2)', sourceType: 'numeric(10,2)' }, to: { type: 'decimal(14,4)', sourceType: 'numeric(14,4)' } }],
  }

  it('lists added, removed and retyped columns and the policy, whatever the policy', () => {
    for (const policy of ['warn', 'continue', 'fail'] as const) {
      const p = buildSlackPayload(runEvents(report(result('orders', { drift, policy }))), context())!
      const [section] = sections(p)
      expect(section).toContain('*orders*: schema change (1 added, 1 removed, 1 retyped) since run `run-prev`')
      expect(section).toContain('• added `extra` text')
      expect(section).toContain('• removed `name` text')
      expect(section).toContain('• retyped `amount` numeric(10,2) → numeric(14,4)')
      expect(section).toContain(`on_schema_drift: \`${policy}\``)
    }
  })

  it('a drift that failed the run (policy fail) is reported as both a failure and a schema change, in one message', () => {
    const error = new RivetError('RIVET_SCHEMA_DRIFT', 'export orders: the columns changed')
    const events = runEvents(report(result('orders', { drift, policy: 'fail', error })))
    expect(events.map((e) => e.kind)).toEqual(['failure', 'schema_change'])
    const p = buildSlackPayload(events, context())!
    expect((p.blocks[0] as { text: { text: string } }).text.text).toBe('Rivet run: 1 failed, 1 schema change')
    expect(sections(p)[1]).toContain('the run stopped before writing a data file (exit 4)')
  })

  it('a thousand added columns: the list is cut with "…and N more" and the counts add up', () => {
    const wide: SchemaDrift = { baselineRunId: 'run-prev', added: Array.from({ length: 1000 }, (_, i) => col(`column_${i}`, 'character varying(255)')), removed: [], retyped: [] }
    const p = buildSlackPayload(runEvents(report(result('wide', { drift: wide }))), context())!
    expectWithinLimits(p)
    const [section] = sections(p)
    const listed = section.split('\n').filter((l) => l.startsWith('• added')).length
    const more = Number(/…and (\d+) more$/.exec(section)?.[1])
    expect(listed).toBeGreaterThan(10)
    expect(listed + more).toBe(1000)
  })
})

describe('degraded (rivet check)', () => {
  const check = (exp: string, verdict: ExportCheck['verdict'], indexHint: string | null = null): ExportCheck =>
    ({ export: exp, verdict, source: `"public"."${exp}"`, reasons: [`${exp}: each chunk scans 2,000,000 rows`], indexHint }) as unknown as ExportCheck
  const checkReport = (...exports: ExportCheck[]): CheckReport => ({ configPath: '/etc/rivet/nightly.yaml', server: 'PostgreSQL 15', pooler: null, warnings: [], exports, exitCode: 0 })

  it('reports Degraded and Unsafe exports with their reasons and fix, not the others', () => {
    const events = checkEvents(checkReport(check('a', 'Efficient'), check('b', 'Acceptable'), check('c', 'Degraded', 'CREATE INDEX ON public.c (updated_at);'), check('d', 'Unsafe')))
    expect(events.map((e) => e.exportName)).toEqual(['c', 'd'])
    const p = buildSlackPayload(events, context({ command: 'check', exportCount: 4 }))!
    expect((p.blocks[0] as { text: { text: string } }).text.text).toBe('Rivet check: 1 unsafe, 1 degraded')
    const [c, d] = sections(p)
    expect(c).toContain('*c* is *Degraded* ("public"."c")')
    expect(c).toContain('Fix: `CREATE INDEX ON public.c (updated_at);`')
    expect(c).toContain('• c: each chunk scans 2,000,000 rows')
    expect(d).toContain('*d* is *Unsafe*')
    expect(allText(p)).toContain('`rivet check`')
    expect(allText(p)).toContain('4 exports')
  })

  it('a check with nothing degraded makes no message', () => {
    expect(buildSlackPayload(checkEvents(checkReport(check('a', 'Efficient'))), context())).toBeNull()
  })
})

describe('batching and filtering', () => {
  it('40 failing exports make one message with 40 sections', () => {
    const results = Array.from({ length: 40 }, (_, i) => result(`export_${i}`, { error: missingTable(`public.t${i}`) }))
    const p = buildSlackPayload(runEvents(report(...results)), context({ exportCount: 40 }))!
    expectWithinLimits(p)
    const failed = sections(p).filter((s) => s.includes('failed —'))
    expect(failed).toHaveLength(40)
    expect((p.blocks[0] as { text: { text: string } }).text.text).toBe('Rivet run: 40 failed')
  })

  it('300 failing exports: at most 50 blocks, the rest named in one overflow section', () => {
    const results = Array.from({ length: 300 }, (_, i) => result(`export_${i}`, { error: missingTable(`public.t${i}`) }))
    const p = buildSlackPayload(runEvents(report(...results)), context({ exportCount: 300 }))!
    expectWithinLimits(p)
    const all = sections(p)
    const shown = all.filter((s) => s.includes('failed —')).length
    const overflow = all[all.length - 1]
    const hidden = Number(/^…and (\d+) more not shown here/.exec(overflow)?.[1])
    expect(shown).toBeGreaterThan(0)
    expect(shown + hidden).toBe(300)
    expect(overflow).toContain(`export_${shown} failed: RIVET_SOURCE_NOT_FOUND`)
  })

  it('on: [failure] keeps only the failures', () => {
    const drift: SchemaDrift = { baselineRunId: 'run-0', added: [col('extra')], removed: [], retyped: [] }
    const events: NotifyEvent[] = runEvents(report(result('a', { error: missingTable() }), result('b', { drift })))
    expect(selectEvents(events, ['failure']).map((e) => e.exportName)).toEqual(['a'])
    expect(selectEvents(events, ['schema_change']).map((e) => e.exportName)).toEqual(['b'])
    expect(selectEvents(events, ['degraded'])).toEqual([])
  })

  it('no events, no message', () => {
    expect(buildSlackPayload([], context())).toBeNull()
    expect(runEvents(report(result('a'), result('b')))).toEqual([])
  })
})

describe('helpers', () => {
  it('clip keeps short text and cuts long text to the limit with …', () => {
    expect(clip('short', 10)).toBe('short')
    expect(clip('0123456789abc', 10)).toBe('012345678…')
    // a surrogate pair is never split
    expect(clip('aaaaaaaa😀b', 10)).toBe('aaaaaaaa…')
  })

  it('fitLines keeps the head and counts what it leaves out', () => {
    const text = fitLines(['head'], Array.from({ length: 100 }, (_, i) => `item ${i}`), 60)
    expect(text.length).toBeLessThanOrEqual(60)
    const listed = text.split('\n').filter((l) => l.startsWith('item')).length
    expect(listed + Number(/…and (\d+) more$/.exec(text)?.[1])).toBe(100)
    expect(fitLines(['head'], ['a', 'b'], 100)).toBe('head\na\nb')
  })

  it('retryAfterMs reads seconds and HTTP dates', () => {
    expect(retryAfterMs('3')).toBe(3000)
    expect(retryAfterMs('0')).toBe(0)
    expect(retryAfterMs('Wed, 25 Nov 2026 03:00:05 GMT', new Date('2026-11-25T03:00:00Z'))).toBe(5000)
    expect(retryAfterMs('soon')).toBeNull()
    expect(retryAfterMs(null)).toBeNull()
  })
})
