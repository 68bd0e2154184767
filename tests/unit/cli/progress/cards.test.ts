import { describe, expect, it } from 'vitest'
import type { BoardEntry } from '../../../../src/cli/progress/index.js'
import { finishedLine, fit, formatClock, renderCard, renderFrame, renderProgressLine } from '../../../../src/cli/progress/cards.js'
import { snapshotOf, visible, width } from './fixtures.js'

const LONG = 'warehouse_inventory_movements_partitioned_by_month_and_region'

/** A board with one export in each state, names and figures long enough to be cut. */
function busyBoard(): BoardEntry[] {
  return [
    { state: 'running', name: LONG, snapshot: snapshotOf({ export: LONG, mode: 'chunked', chunksDone: 1_234, chunksTotal: 98_765, rows: 9_876_543_210, rowsPerSec: 1_234_567 }) },
    { state: 'running', name: 'orders', snapshot: snapshotOf() },
    { state: 'starting', name: `${LONG}_2`, since: 0 },
    { state: 'done', name: `${LONG}_3`, finished: { status: 'completed', rows: 123_456_789, bytes: 9_999_999_999, files: 512, durationMs: 3_723_000, error: null }, last: null },
    {
      state: 'done',
      name: 'customers',
      finished: { status: 'failed', rows: 0, bytes: 0, files: 0, durationMs: 2_000, error: { code: 'RIVET_SOURCE_CONNECTION_LOST', message: 'the server closed the connection unexpectedly while reading' } },
      last: null,
    },
    { state: 'waiting', name: `${LONG}_4` },
  ]
}

describe('renderFrame', () => {
  it('fits every line to the terminal width, colour codes not counted', () => {
    for (const columns of [20, 40, 60, 80, 132]) {
      for (const color of [false, true]) {
        const lines = renderFrame(busyBoard(), { columns, color })
        for (const line of lines) expect(width(line), `${columns} columns: ${JSON.stringify(line)}`).toBeLessThanOrEqual(columns)
        // the cut is marked
        expect(lines.some((l) => visible(l).endsWith('…'))).toBe(true)
      }
    }
  })

  it('cuts by code points, so a name outside the BMP does not overflow', () => {
    const name = '𝔬𝔯𝔡𝔢𝔯𝔰'.repeat(20)
    const lines = renderFrame([{ state: 'waiting', name }], { columns: 40, color: false })
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(40)
    expect(lines[1]!.startsWith('· 𝔬𝔯𝔡')).toBe(true)
  })

  it('fits lines even on a very narrow terminal', () => {
    // a line longer than the terminal wraps, and the in-place redraw then moves up too few lines
    for (const columns of [5, 8, 10]) {
      for (const line of renderFrame(busyBoard(), { columns, color: false })) expect(width(line), `${columns} columns: ${JSON.stringify(line)}`).toBeLessThanOrEqual(columns)
    }
  })

  it('colours only when asked', () => {
    const plain = renderFrame(busyBoard(), { columns: 200, color: false })
    expect(plain.join('\n')).not.toContain('\u001b[')
    const coloured = renderFrame(busyBoard(), { columns: 200, color: true })
    expect(coloured.join('\n')).toMatch(/\u001b\[[0-9;]+m/)
    // the same text either way
    expect(coloured.map(visible)).toEqual(plain)
  })

  it('draws a header, three lines per running export and one per other export, in order', () => {
    const lines = renderFrame(busyBoard(), { columns: 300, color: false })
    expect(lines.length).toBe(1 + 3 + 3 + 1 + 1 + 1 + 1)
    expect(lines[0]).toBe('rivet · 6 export(s): 3 running, 2 done, 1 waiting')
    expect(lines[1]).toContain(`▸ ${LONG}`)
    expect(lines[4]).toContain('▸ orders')
    expect(lines[7]).toBe(`▸ ${LONG}_2  planning…`)
    expect(lines[8]!.startsWith(`✓ ${LONG}_3`)).toBe(true)
    expect(lines[9]!.startsWith('✗ customers')).toBe(true)
    expect(lines[10]).toBe(`· ${LONG}_4  waiting`)
  })
})

describe('renderCard', () => {
  it('shows rows, rate, bytes, ETA, the open statement, the statement size and RSS', () => {
    const [title, figures, details] = renderCard(snapshotOf())
    expect(title).toBe('▸ orders  full · reading · 1:05')
    expect(figures).toContain('1,234,567 rows')
    expect(figures).toContain('45,678 rows/s')
    expect(figures).toContain('read 250 MB')
    expect(figures).toContain('out 40.0 MB')
    expect(details).toContain('of ~5,000,000')
    expect(details).toContain('ETA 1 min 30 s')
    expect(details).toContain('statement 2.5 s')
    expect(details).toContain('50,000 rows/statement')
    expect(details).toContain('RSS 123 MB')
    expect(details).not.toContain('chunks')
  })

  it('shows chunks only for a chunked export', () => {
    const [, , details] = renderCard(snapshotOf({ mode: 'chunked', chunksDone: 1_200, chunksTotal: 4_000, estimatedRows: null }))
    expect(details).toContain('chunks 1,200/4,000')
    expect(details).not.toContain('of ~')
  })

  it('says what it knows between statements and without an ETA', () => {
    const between = renderCard(snapshotOf({ statementMs: null, lastStatementMs: 900, etaMs: null, statementSize: 0 }))[2]
    expect(between).toContain('last statement 900 ms')
    expect(between).toContain('ETA –')
    expect(between).not.toContain('/statement')
    const before = renderCard(snapshotOf({ statementMs: null, statements: 0, statementSize: 128, statementUnit: 'pages' }))[2]
    expect(before).toContain('no statement yet')
    expect(before).toContain('128 pages/statement')
  })
})

describe('finishedLine', () => {
  it('sums up a completed export, with its rate', () => {
    const line = finishedLine('orders', { status: 'completed', rows: 10_000, bytes: 2_500_000, files: 2, durationMs: 4_000, error: null })
    expect(line).toEqual({ text: '✓ orders  10,000 rows, 2 file(s), 2.5 MB in 4.0 s, 2,500 rows/s', code: '32' })
  })

  it('leaves the rate out when no time passed', () => {
    expect(finishedLine('orders', { status: 'completed', rows: 0, bytes: 0, files: 0, durationMs: 0, error: null }).text).toBe('✓ orders  0 rows, 0 file(s), 0 B in 0 ms')
  })

  it('says why an export failed', () => {
    const line = finishedLine('orders', { status: 'failed', rows: 0, bytes: 0, files: 0, durationMs: 61_000, error: { code: 'RIVET_SOURCE_TIMEOUT', message: 'statement timed out' } })
    expect(line).toEqual({ text: '✗ orders  failed after 1 min 01 s: RIVET_SOURCE_TIMEOUT: statement timed out', code: '31' })
    expect(finishedLine('orders', { status: 'failed', rows: 0, bytes: 0, files: 0, durationMs: 5, error: null }).text).toBe('✗ orders  failed after 5 ms: error')
  })
})

describe('renderProgressLine', () => {
  it('puts a running export on one line', () => {
    const line = renderProgressLine(snapshotOf({ mode: 'chunked', chunksDone: 3, chunksTotal: 10 }))
    expect(line).toBe('export orders: reading, 1,234,567 rows, 45,678 rows/s, read 250 MB, chunks 3/10, ETA 1 min 30 s, statement open 2.5 s, RSS 123 MB (1:05 elapsed)')
    expect(line).not.toContain('\n')
  })

  it('leaves out what is unknown', () => {
    const line = renderProgressLine(snapshotOf({ etaMs: null, statementMs: null }))
    expect(line).not.toMatch(/ETA|statement|chunks/)
  })
})

describe('formatClock', () => {
  it('shows minutes and seconds, hours when there are some', () => {
    expect(formatClock(7_000)).toBe('0:07')
    expect(formatClock(765_999)).toBe('12:45')
    expect(formatClock(3_723_000)).toBe('1:02:03')
    expect(formatClock(-500)).toBe('0:00')
  })
})

describe('fit', () => {
  it('keeps a line that fits and cuts one that does not, marking the cut', () => {
    expect(fit('short', 80)).toBe('short')
    expect(fit('x'.repeat(79), 80)).toBe('x'.repeat(79))
    const cut = fit('x'.repeat(80), 80)
    expect(cut).toBe(`${'x'.repeat(78)}…`)
    expect([...fit('é'.repeat(100), 30)].length).toBe(29)
  })
})
