import { RivetError } from '../errors/index.js'

/**
 * One chunk of a chunked export: the rows whose chunk value v satisfies lo <= v < hi. A null
 * bound is open, so the first and last chunks also catch rows written beyond the range seen at
 * planning time. Bounds are the server's text rendering of the values.
 */
export interface ChunkRange {
  readonly index: number
  readonly lo: string | null
  readonly hi: string | null
}

/** Hard ceiling on the chunks of one export (each is a task in state and at least one statement). */
export const MAX_CHUNKS = 1_000_000

/** Key units (integer range) or rows (dense, keyset) per chunk when neither chunk_size nor chunk_count is set. */
export const DEFAULT_CHUNK_SIZE = 100_000

/** The step of an integer range: chunk_size, or the span divided into chunk_count pieces. */
export function integerChunkStep(min: bigint, max: bigint, size: number | null, count: number | null): bigint {
  if (size !== null) return BigInt(size)
  const span = max - min + 1n
  if (count !== null) return span <= BigInt(count) ? 1n : (span + BigInt(count) - 1n) / BigInt(count)
  return BigInt(DEFAULT_CHUNK_SIZE)
}

/**
 * Integer ranges of `step` key values from min to max: [min, min+step), [min+step, ...), ...;
 * the first range is open below and the last open above.
 */
export function planIntegerRanges(exportName: string, min: bigint, max: bigint, step: bigint): ChunkRange[] {
  if (step < 1n) throw new RivetError('RIVET_INTERNAL', `chunk step ${step} must be positive`)
  if (max < min) return [{ index: 0, lo: null, hi: null }]
  const count = (max - min) / step + 1n
  if (count > BigInt(MAX_CHUNKS)) throw tooManyChunks(exportName, count, `a key span of ${max - min + 1n} in steps of ${step}`)
  const ranges: ChunkRange[] = []
  for (let i = 0n; i < count; i++) {
    const lo = min + i * step
    ranges.push({ index: Number(i), lo: i === 0n ? null : lo.toString(), hi: i === count - 1n ? null : (lo + step).toString() })
  }
  return ranges
}

/** Day ranges of `days` days from the first day to the last (both 'YYYY-MM-DD', UTC). */
export function planDayRanges(exportName: string, firstDay: string, lastDay: string, days: number): ChunkRange[] {
  const start = Date.parse(`${firstDay}T00:00:00Z`)
  const end = Date.parse(`${lastDay}T00:00:00Z`)
  if (Number.isNaN(start) || Number.isNaN(end)) throw new RivetError('RIVET_INTERNAL', `day bounds ${firstDay}..${lastDay} are not dates`)
  const stepMs = days * 86_400_000
  const count = Math.floor((end - start) / stepMs) + 1
  if (count > MAX_CHUNKS) throw tooManyChunks(exportName, BigInt(count), `${firstDay}..${lastDay} in windows of ${days} day(s)`)
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
  const ranges: ChunkRange[] = []
  for (let i = 0; i < count; i++) {
    const lo = start + i * stepMs
    ranges.push({ index: i, lo: i === 0 ? null : day(lo), hi: i === count - 1 ? null : day(lo + stepMs) })
  }
  return ranges
}

/** Ranges between sorted, distinct boundary values: [open, b1), [b1, b2), ..., [bk, open). */
export function rangesFromBoundaries(exportName: string, bounds: readonly string[]): ChunkRange[] {
  if (bounds.length + 1 > MAX_CHUNKS) throw tooManyChunks(exportName, BigInt(bounds.length + 1), `${bounds.length} boundaries`)
  const ranges: ChunkRange[] = []
  for (let i = 0; i <= bounds.length; i++) ranges.push({ index: i, lo: i === 0 ? null : bounds[i - 1], hi: i === bounds.length ? null : bounds[i] })
  return ranges
}

/** SQL predicate of a chunk on `expr`, bounds written by `literal`; null when both bounds are open. */
export function chunkPredicate(expr: string, range: Pick<ChunkRange, 'lo' | 'hi'>, literal: (value: string) => string): string | null {
  const parts: string[] = []
  if (range.lo !== null) parts.push(`${expr} >= ${literal(range.lo)}`)
  if (range.hi !== null) parts.push(`${expr} < ${literal(range.hi)}`)
  return parts.length === 0 ? null : parts.join(' AND ')
}

/** How densely the rows fill an integer key span. */
export interface RangeDensity {
  readonly rows: number
  readonly span: bigint
  /** rows / span: 1 for a gap-free key, near 0 for a sparse one. */
  readonly density: number
  /** Planned chunks that likely hold no row. */
  readonly likelyEmptyChunks: number
}

/** Below this density a range plan is mostly empty chunks: warn and name the alternatives. */
export const SPARSE_DENSITY = 0.1

/** Density of `rows` over [min, max] cut into chunks of `step`. */
export function rangeDensity(rows: number, min: bigint, max: bigint, step: bigint): RangeDensity {
  const span = max - min + 1n
  const density = span > 0n ? rows / Number(span) : 1
  const chunks = Number((span + step - 1n) / step)
  const rowsPerChunk = Number(step) * Math.min(1, density)
  const likelyEmptyChunks = rowsPerChunk >= 1 ? 0 : Math.max(0, chunks - Math.ceil(rows))
  return { rows, span, density, likelyEmptyChunks }
}

function tooManyChunks(exportName: string, count: bigint, what: string): RivetError {
  return new RivetError('RIVET_PLAN_TOO_MANY_CHUNKS', `export ${exportName}: ${what} makes ${count} chunks, more than the ${MAX_CHUNKS} allowed`, {
    details: { export: exportName, chunks: count.toString() },
  })
}
