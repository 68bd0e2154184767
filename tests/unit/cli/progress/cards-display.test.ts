import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createProgressDisplay } from '../../../../src/cli/progress/index.js'
import type { ProgressDisplay } from '../../../../src/cli/progress/index.js'
import { ExportProgress } from '../../../../src/engine/index.js'
import { FakeStream, exportResult, playTerminal, visible, width } from './fixtures.js'

const T0 = Date.UTC(2024, 0, 15, 8, 0, 0)
const HIDE_CURSOR = '\u001b[?25l'
const SHOW_CURSOR = '\u001b[?25h'
const CLEAR_LINE = '\u001b[2K'
const CLEAR_BELOW = '\u001b[J'
const REDRAW_MS = 250

/** Lines of the frame a write draws: each starts by erasing its line. */
const frameHeight = (write: string) => write.split(CLEAR_LINE).length - 1
const up = (n: number) => `\r\u001b[${n}A`

describe('CardsDisplay', () => {
  let display: ProgressDisplay | null = null
  let exitListeners = 0

  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(T0)
    exitListeners = process.listenerCount('exit')
  })
  afterEach(() => {
    display?.close()
    display = null
    vi.useRealTimers()
  })

  function open(stream: FakeStream, color = false): ProgressDisplay {
    display = createProgressDisplay({ mode: 'cards', stream: stream.asStream(), intervalMs: 10_000, redrawMs: REDRAW_MS, color })
    return display
  }

  function reading(name: string, rows: number): ExportProgress {
    const progress = new ExportProgress(name, `run-${name}`, 'full')
    progress.phase = 'reading'
    progress.rows = rows
    return progress
  }

  it('hides the cursor and draws a frame when the run starts', () => {
    const stream = new FakeStream(100)
    const d = open(stream)
    expect(stream.writes).toEqual([])
    d.observer.runStarted!(['orders', 'customers', 'events'], false)
    expect(stream.output.startsWith(HIDE_CURSOR)).toBe(true)
    // the first frame starts where the cursor is: no move up
    const frame = stream.output.slice(HIDE_CURSOR.length)
    expect(frame.startsWith(CLEAR_LINE)).toBe(true)
    expect(frameHeight(frame)).toBe(4)
    const screen = playTerminal(stream.output)
    expect(screen.cursorVisible).toBe(false)
    expect(screen.lines).toEqual(['rivet · 3 export(s): 0 running, 0 done, 3 waiting', '· orders  waiting', '· customers  waiting', '· events  waiting'])
    expect(process.listenerCount('exit')).toBe(exitListeners + 1)
  })

  it('moves up exactly the height of the previous frame before each redraw', () => {
    const stream = new FakeStream(100)
    const d = open(stream)
    d.observer.runStarted!(['orders', 'customers', 'events'], true)
    d.observer.exportStarted!('orders')
    expect(stream.writes[stream.writes.length - 1]!.startsWith(up(4))).toBe(true)
    const orders = reading('orders', 1_000)
    d.observer.exportProgress!(orders)
    vi.advanceTimersByTime(REDRAW_MS)
    d.observer.exportStarted!('customers')
    d.observer.exportProgress!(reading('customers', 10))
    vi.advanceTimersByTime(REDRAW_MS)
    orders.rows = 5_000
    d.observer.exportFinished!(exportResult('orders', 'completed', { rows: 5_000 }))
    vi.advanceTimersByTime(REDRAW_MS * 3)

    const frames = stream.writes.map((w) => (w.startsWith(HIDE_CURSOR) ? w.slice(HIDE_CURSOR.length) : w)).filter((w) => w !== '')
    expect(frames.length).toBeGreaterThanOrEqual(7)
    // frames grow (a card is three lines) and shrink (a finished export is one)
    const heights = frames.map(frameHeight)
    expect(new Set(heights).size).toBeGreaterThanOrEqual(3)
    for (let i = 1; i < frames.length; i++) {
      expect(frames[i]!.startsWith(up(heights[i - 1]!)), `frame ${i} after a frame of ${heights[i - 1]} lines`).toBe(true)
      expect(frames[i]!.endsWith(CLEAR_BELOW)).toBe(true)
    }
    // nothing of an earlier, taller frame is left on screen
    const screen = playTerminal(stream.output)
    expect(screen.lines).toHaveLength(heights[heights.length - 1]!)
    expect(screen.lines[0]).toBe('rivet · 3 export(s): 1 running, 1 done, 1 waiting')
    expect(screen.lines[1]!.startsWith('✓ orders  5,000 rows')).toBe(true)
    expect(screen.lines[2]).toMatch(/^▸ customers {2}full · reading · /)
  })

  it('redraws on its timer with fresh figures', () => {
    const stream = new FakeStream(100)
    const d = open(stream)
    d.observer.runStarted!(['orders'], false)
    const orders = reading('orders', 1_000)
    d.observer.exportProgress!(orders)
    const before = stream.writes.length
    vi.advanceTimersByTime(REDRAW_MS - 1)
    expect(stream.writes.length).toBe(before)
    orders.rows = 2_500_000
    vi.advanceTimersByTime(1)
    expect(stream.writes.length).toBe(before + 1)
    expect(playTerminal(stream.output).lines.join('\n')).toContain('2,500,000 rows')
  })

  it('prints a message above the frame and draws the frame again below it', () => {
    const stream = new FakeStream(100)
    const d = open(stream)
    d.observer.runStarted!(['orders', 'customers'], false)
    d.observer.exportStarted!('orders')
    d.observer.exportProgress!(reading('orders', 10))
    vi.advanceTimersByTime(REDRAW_MS)
    const height = frameHeight(stream.writes[stream.writes.length - 1]!)
    d.log('orders: retrying after a lost connection')
    const write = stream.writes[stream.writes.length - 1]!
    // from the top of the frame: the message where the frame began, the frame again below it
    expect(write.startsWith(up(height))).toBe(true)
    const afterOne = playTerminal(stream.output).lines
    expect(afterOne[0]).toBe('orders: retrying after a lost connection')
    expect(afterOne.slice(1)).toEqual(playTerminal(stream.writes.slice(0, -1).join('')).lines)
    d.log('second message')
    // the next redraw goes back to the top of the frame, not of the messages
    expect(stream.writes[stream.writes.length - 1]!.startsWith(up(height))).toBe(true)
    vi.advanceTimersByTime(REDRAW_MS)
    const screen = playTerminal(stream.output)
    expect(screen.lines.slice(0, 2)).toEqual(['orders: retrying after a lost connection', 'second message'])
    expect(screen.lines[2]).toBe('rivet · 2 export(s): 1 running, 0 done, 1 waiting')
    expect(screen.lines).toHaveLength(2 + height)
  })

  it('leaves nothing of the frame behind a message of several lines', () => {
    const stream = new FakeStream(100)
    const d = open(stream)
    d.observer.runStarted!(['orders', 'customers', 'events'], false)
    // each row of the message lands on a row of the old frame; every one of them must be cleared
    d.log('could not connect:\nDETAIL: x\nHINT: y')
    const screen = playTerminal(stream.output).lines
    expect(screen.slice(0, 3)).toEqual(['could not connect:', 'DETAIL: x', 'HINT: y'])
    expect(screen.slice(3)).toEqual(['rivet · 3 export(s): 0 running, 0 done, 3 waiting', '· orders  waiting', '· customers  waiting', '· events  waiting'])
  })

  it('prints messages as plain lines before the run starts and after it ends', () => {
    const stream = new FakeStream(100)
    const d = open(stream)
    d.log('loading config')
    expect(stream.writes.map(visible)).toEqual(['loading config\n'])
    d.observer.runStarted!(['orders'], false)
    d.close()
    const afterClose = stream.writes.length
    d.log('report written to run.html')
    expect(stream.writes.slice(afterClose).map(visible)).toEqual(['report written to run.html\n'])
    expect(playTerminal(stream.output).lines).toEqual(['loading config', '· orders  not run', 'report written to run.html'])
  })

  it('leaves one compact line per export when closed, shows the cursor and stops its timer', () => {
    const stream = new FakeStream(100)
    const d = open(stream)
    d.observer.runStarted!(['orders', 'customers', 'events'], true)
    d.log('starting 3 exports')
    d.observer.exportStarted!('orders')
    d.observer.exportProgress!(reading('orders', 10))
    d.observer.exportStarted!('customers')
    vi.advanceTimersByTime(REDRAW_MS * 4)
    d.observer.exportFinished!(exportResult('orders', 'completed', { rows: 10_000, bytes: 2_500_000, files: 2, durationMs: 4_000 }))
    d.observer.exportFinished!(exportResult('customers', 'failed', { durationMs: 1_500, error: { code: 'RIVET_SOURCE_AUTH', message: 'password authentication failed' } }))
    d.close()

    const last = stream.writes[stream.writes.length - 1]!
    expect(last.endsWith(SHOW_CURSOR)).toBe(true)
    const screen = playTerminal(stream.output)
    expect(screen.cursorVisible).toBe(true)
    expect(screen.lines).toEqual([
      'starting 3 exports',
      '✓ orders  10,000 rows, 2 file(s), 2.5 MB in 4.0 s, 2,500 rows/s',
      '✗ customers  failed after 1.5 s: RIVET_SOURCE_AUTH: password authentication failed',
      '· events  not run',
    ])
    expect(vi.getTimerCount()).toBe(0)
    expect(process.listenerCount('exit')).toBe(exitListeners)

    // nothing more is drawn, and closing again writes nothing
    const written = stream.writes.length
    vi.advanceTimersByTime(REDRAW_MS * 10)
    d.observer.exportStarted!('events')
    d.close()
    expect(stream.writes.length).toBe(written)
  })

  it('writes nothing when closed before the run started', () => {
    const stream = new FakeStream(100)
    open(stream).close()
    expect(stream.writes).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('starts one timer however often the run is announced', () => {
    const stream = new FakeStream(100)
    const d = open(stream)
    d.observer.runStarted!(['orders'], false)
    d.observer.runStarted!(['orders'], false)
    expect(vi.getTimerCount()).toBe(1)
    expect(stream.writes.filter((w) => w === HIDE_CURSOR)).toHaveLength(1)
    expect(process.listenerCount('exit')).toBe(exitListeners + 1)
  })

  it('fits its frames to the stream width, 80 columns when unknown', () => {
    for (const columns of [30, undefined]) {
      const stream = new FakeStream(columns)
      const d = open(stream, true)
      d.observer.runStarted!(['a_rather_long_export_name_that_will_not_fit_in_thirty_columns', 'b'], true)
      d.observer.exportProgress!(reading('a_rather_long_export_name_that_will_not_fit_in_thirty_columns', 123_456_789))
      vi.advanceTimersByTime(REDRAW_MS)
      const frameLines = stream.writes.flatMap((w) => w.split(CLEAR_LINE).slice(1)).map((l) => l.replace(/\n[^]*$/, ''))
      expect(frameLines.length).toBeGreaterThan(0)
      for (const line of frameLines) expect(width(line)).toBeLessThanOrEqual(columns ?? 80)
      // colour was asked for
      expect(stream.output).toMatch(/\u001b\[1m/)
      expect(visible(stream.output)).not.toContain('\u001b')
      d.close()
    }
  })

  it('keeps a frame taller than the screen within it, counting the lines left out', () => {
    const stream = new FakeStream(100)
    Object.assign(stream, { rows: 12 })
    const d = open(stream)
    const names = Array.from({ length: 8 }, (_, i) => `export_${i}`)
    d.observer.runStarted!(names, true)
    for (const name of names) d.observer.exportProgress!(reading(name, 1000))
    vi.advanceTimersByTime(REDRAW_MS)
    const last = stream.writes[stream.writes.length - 1]!
    // 8 cards of 3 lines and a header would be 25 lines; the screen has 12 rows
    expect(frameHeight(last)).toBe(10)
    expect(visible(last)).toMatch(/… and 16 more line\(s\)/)
    // the next redraw moves up exactly what was drawn
    vi.advanceTimersByTime(REDRAW_MS)
    expect(stream.writes[stream.writes.length - 1]!.startsWith(up(10))).toBe(true)
  })
})
