import { ensureFixtureTable, type FixtureSpec } from '../fixtures/index.js'
import type { Tool } from '../tools/index.js'
import { readFixtureFacts, warmUpCsvBytes } from './fixture-facts.js'
import { runToolOnce, type RunEnv } from './run-tool.js'
import { summarize } from './summarize.js'
import type { FixtureResult, Sample } from './types.js'

/** What to measure. */
export interface MatrixOptions {
  fixtures: FixtureSpec[]
  tools: Tool[]
  runs: number
  log: (line: string) => void
}

/** A tool that failed this many times in a row on a fixture is not tried again on it. */
const MAX_CONSECUTIVE_FAILURES = 2

/**
 * For each fixture: create or reuse it, warm it up once, then `runs` repetitions in which
 * every tool runs once. The order rotates each repetition so no tool is always first (or
 * always right after the same neighbour), and ratios are taken within a repetition.
 */
export async function runMatrix(opts: MatrixOptions, env: RunEnv): Promise<FixtureResult[]> {
  const results: FixtureResult[] = []
  for (const fixture of opts.fixtures) results.push(await runFixture(fixture, opts, env))
  return results
}

async function runFixture(fixture: FixtureSpec, opts: MatrixOptions, env: RunEnv): Promise<FixtureResult> {
  const gen = await ensureFixtureTable(env.pgUrl, fixture.table, fixture.rows, fixture.recipe, { log: opts.log })
  const w0 = performance.now()
  const csvBytes = await warmUpCsvBytes(env.pgUrl, fixture.table)
  const warmupS = (performance.now() - w0) / 1000
  const dbFacts = await readFixtureFacts(env.pgUrl, fixture)
  const facts = { ...dbFacts, csvBytes, estimatedDecodedBytes: Math.max(dbFacts.estimatedDecodedBytes, csvBytes) }
  opts.log(`${fixture.id}: warm-up read ${(csvBytes / 1e6).toFixed(0)} MB of CSV in ${warmupS.toFixed(1)} s`)
  const skipped = new Map<string, string>()
  for (const t of opts.tools) {
    const reason = t.skipReason(facts)
    if (reason) skipped.set(t.name, reason)
  }
  const samples: Sample[] = []
  const failures = new Map<string, number>()
  for (let rep = 0; rep < opts.runs; rep++) {
    for (const tool of rotate(opts.tools, rep)) {
      if (skipped.has(tool.name)) continue
      const s = await runToolOnce(tool, fixture, facts, csvBytes, rep, env)
      samples.push(s)
      opts.log(describe(s, opts.runs))
      failures.set(tool.name, s.ok ? 0 : (failures.get(tool.name) ?? 0) + 1)
      if ((failures.get(tool.name) ?? 0) >= MAX_CONSECUTIVE_FAILURES && rep < opts.runs - 1) {
        skipped.set(tool.name, `gave up after ${MAX_CONSECUTIVE_FAILURES} consecutive failures`)
        opts.log(`${fixture.id}: ${tool.name} failed ${MAX_CONSECUTIVE_FAILURES} times in a row, not retried`)
      }
    }
  }
  return {
    id: fixture.id, table: fixture.table, description: fixture.description, facts, csvBytes, warmupS,
    generatedS: gen.reused ? null : gen.seconds,
    tools: opts.tools.map((t) => summarize(t.name, samples, skipped.get(t.name))),
    samples,
  }
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length
  return [...items.slice(k), ...items.slice(0, k)]
}

function describe(s: Sample, runs: number): string {
  const head = `${s.fixture} rep ${s.rep + 1}/${runs} ${s.tool.padEnd(20)}`
  if (!s.ok) return `${head} FAILED after ${s.wallS.toFixed(2)} s: ${s.error}`
  const stmt = s.maxStatementS === null ? '—' : `${s.maxStatementS.toFixed(2)} s`
  return `${head} ${s.wallS.toFixed(2)} s  ${Math.round(s.rowsPerS!).toLocaleString('en-US')} rows/s  RSS ${(s.peakRssBytes / 1048576).toFixed(0)} MB  CPU ${s.cpuS.toFixed(2)} s  longest stmt ${stmt}`
}
