import { describe, expect, it } from 'vitest'
import { renderSummaryCard } from '../../../src/report/index.js'
import { cleanRun, driftRun, failedRun, noisyRun, qualityPassedRun, qualityRun, shapeRun } from './fixtures.js'

describe('renderSummaryCard', () => {
  it('shows a clean run in two lines: status, duration, run, mode, then the figures', () => {
    const card = renderSummaryCard(cleanRun)
    expect(card).toBe(
      '✓ orders: completed in 2.5 s · run 20261124T215312Z-4f2a (full)\n' + '  120,000 rows → 3 files, 4.5 MB · 48,000 rows/s · peak RSS 180 MB\n',
    )
  })

  it('counts one row and one file in the singular and leaves rows/s out when the run took no measurable time', () => {
    const card = renderSummaryCard({ ...cleanRun, rows: 1, files: 1, bytes: 512, rowsPerSec: null })
    expect(card).toContain('  1 row → 1 file, 512 B · peak RSS 180 MB\n')
    expect(card).not.toContain('rows/s')
  })

  it('shows a failed run with its error, and no figures when it read nothing', () => {
    const card = renderSummaryCard(failedRun)
    const lines = card.trimEnd().split('\n')
    expect(lines[0]).toBe('✗ missing: failed after 120 ms · run 20261124T215400Z-0b1c (full)')
    expect(lines).toContain('  error: [RIVET_SOURCE_NOT_FOUND] relation "public.nope" does not exist')
    expect(card).not.toContain('rows →')
  })

  it('keeps the figures of a failed run that had read rows', () => {
    const card = renderSummaryCard({ ...failedRun, rows: 5000, bytes: 20_000, rowsPerSec: 2500 })
    expect(card).toContain('  5,000 rows → 0 files, 20.0 KB · 2,500 rows/s')
  })

  it('lists added, removed and retyped columns with the drift policy and the baseline run', () => {
    const card = renderSummaryCard(driftRun)
    expect(card).toContain('  schema drift since run 20261123T080000Z-aaaa (on_schema_drift: warn):\n')
    expect(card).toContain('    + note  text (utf8)  added\n')
    expect(card).toContain('    - legacy_flag  boolean (bool)  removed\n')
    expect(card).toContain('    ~ amount  numeric(10,2) (decimal(10,2)) → numeric(12,2) (decimal(12,2))  retyped\n')
  })

  it('names the policy fail when the drift failed the run', () => {
    const card = renderSummaryCard({ ...driftRun, schemaDriftPolicy: 'fail', status: 'failed', error: { code: 'RIVET_SCHEMA_DRIFT', message: 'columns changed' } })
    expect(card).toContain('(on_schema_drift: fail)')
    expect(card).toContain('[RIVET_SCHEMA_DRIFT]')
  })

  it('shows shape growth as previous → now with the factor', () => {
    const card = renderSummaryCard(shapeRun)
    expect(card).toContain('  shape growth since run 20261123T080000Z-aaaa (largest value per column):\n')
    expect(card).toContain('    payload  1.2 KB → 48.0 KB (×40.0)\n')
    expect(card).toContain('    comment  300 B → 1.5 KB (×5.0)\n')
  })

  it('names the baseline on each line when the growths compare with different runs', () => {
    const growth = [shapeRun.shapeGrowth[0]!, { ...shapeRun.shapeGrowth[1]!, baselineRunId: 'older-run' }]
    const card = renderSummaryCard({ ...shapeRun, shapeGrowth: growth })
    expect(card).toContain('  shape growth (largest value per column):\n')
    expect(card).toContain('(×5.0)  since run older-run\n')
  })

  it('lists every quality check with its outcome and message when one did not pass', () => {
    const card = renderSummaryCard(qualityRun)
    expect(card).toContain('  quality: 1 passed, 1 failed, 1 skipped\n')
    expect(card).toContain('    ✓ passed   row_count_min: 120,000 rows, at least 1,000 expected\n')
    expect(card).toContain('    ✗ failed   null_ratio_max(email): 25% of email is NULL, at most 1% allowed\n')
    expect(card).toContain('    - skipped  unique_columns(tenant_id, order_no): stopped after 1,000,000 distinct keys (unique_max_entries)\n')
  })

  it('sums up quality checks that all passed in one line', () => {
    const card = renderSummaryCard(qualityPassedRun)
    expect(card).toContain('  quality: 2 passed (row_count_min, unique_columns(id))\n')
    expect(card.trimEnd().split('\n')).toHaveLength(3)
  })

  it('shows the retries, the first three warnings and how many more there are', () => {
    const card = renderSummaryCard(noisyRun)
    expect(card).toContain('  2 retries\n')
    expect(card).toContain('  7 warnings:\n')
    for (const n of [1, 2, 3]) expect(card).toContain(`    - warning number ${n}\n`)
    expect(card).not.toContain('warning number 4')
    expect(card).toContain("    … and 4 more in the run's journal (rivet journal --kind warning)\n")
  })

  it('lists as many warnings as asked, and no "more" line when all fit', () => {
    const card = renderSummaryCard(noisyRun, { maxWarnings: 10 })
    expect(card).toContain('warning number 7')
    expect(card).not.toContain('more in the run')
  })

  it('keeps each warning on one line and clips a very long one', () => {
    const long = `first line\nsecond line ${'x'.repeat(400)}`
    const card = renderSummaryCard({ ...cleanRun, warnings: [long] })
    const line = card.split('\n').find((l) => l.startsWith('    - '))!
    expect(line).toContain('first line second line')
    expect(line.length).toBeLessThanOrEqual(6 + 200)
    expect(line.endsWith('…')).toBe(true)
  })

  it('is plain text unless colours are asked for', () => {
    expect(renderSummaryCard(qualityRun)).not.toContain('\u001b[')
    const coloured = renderSummaryCard(qualityRun, { color: true })
    expect(coloured).toContain('\u001b[31m✗ failed \u001b[39m')
    expect(coloured).toContain('\u001b[31m✗\u001b[39m orders')
    expect(renderSummaryCard(cleanRun, { color: true })).toContain('\u001b[32m✓\u001b[39m orders')
  })
})
