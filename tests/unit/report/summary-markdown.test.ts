import { describe, expect, it } from 'vitest'
import { renderSummaryMarkdown } from '../../../src/report/index.js'
import { cleanRun, driftRun, failedRun, noisyRun, qualityRun, shapeRun } from './fixtures.js'

/** The `## ` headings of a document, in order. */
function headings(markdown: string): string[] {
  return markdown.split('\n').filter((l) => /^#{1,2} /.test(l))
}

/** The cells of the table row that starts with `first`. */
function row(markdown: string, first: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${first} |`))
  expect(line, `a table row starting with ${first}`).toBeDefined()
  return line!.slice(2, -2).split(' | ')
}

describe('renderSummaryMarkdown', () => {
  it('renders a clean run as a heading, the run line and a table of figures, with no other section', () => {
    const md = renderSummaryMarkdown(cleanRun)
    expect(headings(md)).toEqual(['# ✓ orders: completed'])
    expect(md).toContain('Run `20261124T215312Z-4f2a` (full), started 2026-11-24T21:53:12.000Z, finished 2026-11-24T21:53:14.500Z.')
    expect(md).toContain('| Figure | Value |\n| --- | --: |\n')
    expect(row(md, 'Rows')).toEqual(['Rows', '120,000'])
    expect(row(md, 'Files')).toEqual(['Files', '3'])
    expect(row(md, 'Bytes')).toEqual(['Bytes', '4.5 MB (4,500,000 B)'])
    expect(row(md, 'Duration')).toEqual(['Duration', '2.5 s'])
    expect(row(md, 'Rows/s')).toEqual(['Rows/s', '48,000'])
    expect(row(md, 'Peak RSS')).toEqual(['Peak RSS', '180 MB'])
    expect(row(md, 'Retries')).toEqual(['Retries', '0'])
    expect(row(md, 'Warnings')).toEqual(['Warnings', '0'])
    expect(md.endsWith('|\n')).toBe(true)
  })

  it('gives a failed run an Error section with its code', () => {
    const md = renderSummaryMarkdown(failedRun)
    expect(headings(md)).toEqual(['# ✗ missing: failed', '## Error'])
    expect(md).toContain('## Error\n\n`RIVET_SOURCE_NOT_FOUND` relation "public.nope" does not exist\n')
    expect(row(md, 'Rows/s')).toEqual(['Rows/s', '–'])
    expect(row(md, 'Bytes')).toEqual(['Bytes', '0 B'])
  })

  it('tabulates schema drift with the baseline run and the policy', () => {
    const md = renderSummaryMarkdown(driftRun)
    expect(headings(md)).toEqual(['# ✓ orders: completed', '## Warnings (1)', '## Schema drift'])
    expect(md).toContain('Compared with run `20261123T080000Z-aaaa`; policy `on_schema_drift: warn`.')
    expect(row(md, 'added')).toEqual(['added', '`note`', '', 'text (utf8)'])
    expect(row(md, 'removed')).toEqual(['removed', '`legacy_flag`', 'boolean (bool)', ''])
    expect(row(md, 'retyped')).toEqual(['retyped', '`amount`', 'numeric(10,2) (decimal(10,2))', 'numeric(12,2) (decimal(12,2))'])
  })

  it('tabulates shape growth: before, now, factor, baseline', () => {
    const md = renderSummaryMarkdown(shapeRun)
    expect(headings(md)).toContain('## Shape growth')
    expect(row(md, '`payload`')).toEqual(['`payload`', '1.2 KB', '48.0 KB', '×40.0', '`20261123T080000Z-aaaa`'])
  })

  it('tabulates every quality check with its outcome, threshold, measure and message', () => {
    const md = renderSummaryMarkdown(qualityRun)
    expect(headings(md)).toEqual(['# ✗ orders: failed', '## Error', '## Quality (1 passed, 1 failed, 1 skipped)'])
    expect(row(md, '✓ passed')).toEqual(['✓ passed', '`row_count_min`', '1000', '120,000', '120,000 rows, at least 1,000 expected'])
    expect(row(md, '✗ failed')).toEqual(['✗ failed', '`null_ratio_max(email)`', '0.01', '0.25', '25% of email is NULL, at most 1% allowed'])
    expect(row(md, '– skipped')[1]).toBe('`unique_columns(tenant_id, order_no)`')
    expect(row(md, '– skipped')[4]).toBe('stopped after 1,000,000 distinct keys (unique\\_max\\_entries)')
  })

  it('lists every warning (up to 100) and counts the rest', () => {
    expect(renderSummaryMarkdown(noisyRun)).toContain('## Warnings (7)\n\n- warning number 1\n- warning number 2\n')
    const many = renderSummaryMarkdown({ ...cleanRun, warnings: Array.from({ length: 130 }, (_, i) => `w${i + 1}`) })
    expect(many).toContain('- w100\n')
    expect(many).not.toContain('- w101\n')
    expect(many).toContain("- … and 30 more in the run's journal")
  })

  it('escapes Markdown in free text and keeps a table cell whole when it holds a pipe', () => {
    const md = renderSummaryMarkdown({
      ...qualityRun,
      exportName: 'my_export',
      warnings: ['a *bold* [link](x) <b>html</b> `tick`\nsecond line'],
      quality: [{ ...qualityRun.quality[1]!, message: 'a | b' }],
    })
    expect(md).toContain('# ✗ my\\_export: failed')
    expect(md).toContain('- a \\*bold\\* \\[link\\](x) \\<b\\>html\\</b\\> \\`tick\\` second line\n')
    expect(row(md, '✗ failed')).toEqual(['✗ failed', '`null_ratio_max(email)`', '0.01', '0.25', 'a \\| b'])
  })

  it('puts a column name holding backticks in a longer code span', () => {
    const md = renderSummaryMarkdown({ ...shapeRun, shapeGrowth: [{ ...shapeRun.shapeGrowth[0]!, column: 'we`ird' }] })
    expect(md).toContain('| ``we`ird`` |')
  })
})
