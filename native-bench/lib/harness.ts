import { parseArgs } from 'node:util'

/** One measured number, as printed by a benchmark and collected by run-all. */
export interface BenchResult {
  bench: string
  case: string
  /** Median over `runs`. */
  value: number
  unit: string
  runs: number
  /** Secondary figure (e.g. output size, compression ratio). */
  note?: string
}

/** Repetitions per case: `--runs N`, else NATIVE_BENCH_RUNS, else 5. */
export function runsFromArgs(): number {
  const { values } = parseArgs({ options: { runs: { type: 'string' } }, strict: false })
  const n = Number(values.runs ?? process.env.NATIVE_BENCH_RUNS ?? 5)
  return Number.isInteger(n) && n > 0 ? n : 5
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b)
  const mid = Math.floor(v.length / 2)
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2
}

/** Run `fn` once to warm up, then `runs` times; the median wall time in seconds. */
export async function timeMedian(runs: number, fn: () => unknown): Promise<number> {
  await fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    times.push((performance.now() - t0) / 1000)
  }
  return median(times)
}

/** Print results as `RESULT {json}` lines (what run-all parses) and a readable line on stderr. */
export function emit(results: readonly BenchResult[]): void {
  for (const r of results) {
    process.stdout.write(`RESULT ${JSON.stringify(r)}\n`)
    process.stderr.write(`${r.bench.padEnd(18)} ${r.case.padEnd(48)} ${fmt(r.value).padStart(12)} ${r.unit}${r.note ? `  (${r.note})` : ''}\n`)
  }
}

/** Three significant digits, thousands separated. */
export function fmt(v: number): string {
  if (v >= 1000) return Math.round(v).toLocaleString('en-US')
  return v.toPrecision(3)
}
