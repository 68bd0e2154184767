import { describe, expect, it } from 'vitest'
import { renderPlanText } from '../../../src/cli/render/plan-summary.js'
import { signPlan } from '../../../src/plan-file/index.js'
import type { PlannedExport } from '../../../src/plan-file/index.js'
import { planFixture } from './fixtures.js'

describe('renderPlanText', () => {
  it('summarises each export and says until when the plan can be applied', () => {
    const { body } = planFixture(new Date('2026-11-20T10:00:00.000Z'))
    const text = renderPlanText(signPlan(body, 'k'), '/p/plan.json')
    expect(text).toContain('plan /p/plan.json: 2 export(s) from postgres db.example/shop')
    expect(text).toContain('• events (public.events): chunked on id (range), 2 chunk(s), 2 in parallel (of 4 requested) · about 10 rows → parquet/zstd /x/out/{export}')
    expect(text).toContain('    chunk 0: every row')
    expect(text).toContain('    cursor: none yet — every row is read')
    expect(text).toContain('apply with `rivet apply /p/plan.json` before 2026-11-21T10:00:00.000Z')
    expect(text).not.toContain('s3cret')
  })

  it('shows the ends of a long chunk list and counts what it leaves out', () => {
    const { body } = planFixture(new Date('2026-11-20T10:00:00.000Z'))
    const ranges = Array.from({ length: 40 }, (_, i) => ({ index: i, lo: String(i * 10), hi: String(i * 10 + 10), predicate: `id >= ${i * 10}` }))
    const events = body.exports[0]!
    const long: PlannedExport = { ...events, chunks: { ...events.chunks!, ranges } }
    const text = renderPlanText(signPlan({ ...body, exports: [long] }, 'k'), 'plan.json')
    const shown = text.split('\n').filter((l) => l.startsWith('    chunk '))
    expect(shown).toHaveLength(12)
    expect(shown.at(-1)).toBe('    chunk 39: id >= 390')
    expect(text).toContain('… 28 more chunk(s), listed in the plan file')
  })
})
