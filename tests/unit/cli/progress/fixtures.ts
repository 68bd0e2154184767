import type { ExportResult, ProgressSnapshot } from '../../../../src/engine/index.js'
import { RivetError } from '../../../../src/errors/index.js'
import type { ErrorCode } from '../../../../src/errors/index.js'

/** A running export's figures, with whatever a test wants to change. */
export function snapshotOf(overrides: Partial<ProgressSnapshot> = {}): ProgressSnapshot {
  return {
    export: 'orders',
    runId: 'run-orders',
    mode: 'full',
    phase: 'reading',
    elapsedMs: 65_000,
    rows: 1_234_567,
    rowsPerSec: 45_678,
    bytesRead: 250_000_000,
    bytesWritten: 40_000_000,
    batches: 120,
    statements: 14,
    statementMs: 2_500,
    lastStatementMs: 900,
    maxStatementMs: 3_100,
    statementSize: 50_000,
    statementUnit: 'rows',
    chunksDone: null,
    chunksTotal: null,
    estimatedRows: 5_000_000,
    etaMs: 90_000,
    rssBytes: 123_400_000,
    ...overrides,
  }
}

/** What the engine hands `exportFinished`, with only the fields the progress board reads filled in. */
export function exportResult(
  name: string,
  status: 'completed' | 'failed',
  figures: { rows?: number; bytes?: number; files?: number; durationMs?: number; error?: { code: ErrorCode; message: string } } = {},
): ExportResult {
  const files = Array.from({ length: figures.files ?? (status === 'completed' ? 1 : 0) }, (_, i) => ({ path: `${name}/part-${i}.parquet`, rows: 0, bytes: 0, xxh3: '0' }))
  const error = status === 'failed' ? new RivetError(figures.error?.code ?? 'RIVET_SOURCE_TIMEOUT', figures.error?.message ?? 'statement timed out') : null
  return {
    exportName: name,
    runId: `run-${name}`,
    status,
    rows: figures.rows ?? 0,
    bytes: figures.bytes ?? 0,
    files,
    durationMs: figures.durationMs ?? 1_000,
    peakRssBytes: 0,
    stats: null,
    columns: [],
    error,
    summary: null,
  } as unknown as ExportResult
}

/** A stand-in for stderr: records every write; `columns` and `isTTY` as a terminal would have them. */
export class FakeStream {
  readonly writes: string[] = []

  constructor(
    readonly columns: number | undefined = 80,
    readonly isTTY = true,
  ) {}

  write(chunk: string | Uint8Array): boolean {
    this.writes.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    return true
  }

  get output(): string {
    return this.writes.join('')
  }

  asStream(): NodeJS.WriteStream {
    return this as unknown as NodeJS.WriteStream
  }
}

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g

/** A line as it shows on screen: without its escape codes. */
export function visible(text: string): string {
  return text.replace(ANSI, '')
}

/** Width of a line on screen, counted in code points like the renderer does. */
export function width(text: string): number {
  return [...visible(text)].length
}

/**
 * Plays terminal output onto a screen of unbounded height and returns what is left on it: enough
 * of a terminal (CR, LF, cursor up, erase line or its rest, erase below, cursor visibility, SGR) to
 * check that in-place redraws leave nothing behind. Any other escape sequence fails the test.
 */
export function playTerminal(output: string): { lines: string[]; cursorVisible: boolean } {
  const screen: string[][] = [[]]
  let row = 0
  let col = 0
  let cursorVisible = true
  for (const m of output.matchAll(/\u001b\[([0-9;?]*)([A-Za-z])|\r|\n|[^\u001b\r\n]/gu)) {
    const token = m[0]
    if (m[2] !== undefined) {
      const params = m[1]!
      const final = m[2]
      if (final === 'm') continue
      if (final === 'A') row = Math.max(0, row - Number(params === '' ? 1 : params))
      else if (final === 'K' && params === '2') screen[row] = []
      else if (final === 'K' && (params === '' || params === '0')) screen[row]!.length = Math.min(screen[row]!.length, col)
      else if (final === 'J' && (params === '' || params === '0')) {
        screen[row]!.length = Math.min(screen[row]!.length, col)
        screen.length = row + 1
      } else if (final === 'l' && params === '?25') cursorVisible = false
      else if (final === 'h' && params === '?25') cursorVisible = true
      else throw new Error(`unexpected escape sequence ${JSON.stringify(token)}`)
    } else if (token === '\r') col = 0
    else if (token === '\n') {
      row++
      col = 0
    } else {
      const line = screen[row]!
      while (line.length < col) line.push(' ')
      line[col++] = token
    }
    while (screen.length <= row) screen.push([])
  }
  const lines = screen.map((l) => l.join(''))
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return { lines, cursorVisible }
}
