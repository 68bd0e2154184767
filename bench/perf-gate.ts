/**
 * CI performance gate: Rivet on the quick 6-column mixed table (200k rows) against
 * psql_binary_devnull (the ceiling) and psql_csv, 3 alternating repetitions. Fails (exit 1)
 * when Rivet's rows/s ratios fall below, or its peak RSS rises above, bench/budget.json.
 * Ratios only: absolute times vary between machines, ratios measured in one run much less.
 *
 *   npm run build && node dist/bench/perf-gate.js [--runs 3] [--json out.json]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { checkBudget, type Budget } from './lib/budget.js'
import { toolTable } from './lib/report.js'
import { runMatrix } from './lib/run-matrix.js'
import { BENCH_PG_URL, selectFixtures } from './lib/select-fixtures.js'
import { StatementMonitor } from './lib/statement-monitor.js'
import { selectTools } from './tools/index.js'

const BUDGET_FILE = resolve(import.meta.dirname, '../../bench/budget.json')

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, json: { type: 'string' } } })
  const budgets = JSON.parse(readFileSync(BUDGET_FILE, 'utf8')) as Record<string, Budget>
  const log = (line: string) => process.stderr.write(`${line}\n`)
  const monitor = new StatementMonitor(BENCH_PG_URL)
  await monitor.open()
  const workRoot = mkdtempSync(join(tmpdir(), 'rivet-gate-'))
  const failures: string[] = []
  const notes: string[] = []
  const out: Record<string, unknown> = {}
  try {
    for (const [name, budget] of Object.entries(budgets)) {
      const [result] = await runMatrix(
        { fixtures: selectFixtures(true, budget.fixture), tools: selectTools('rivet,psql_binary_devnull,psql_csv'), runs: Number(values.runs), log },
        { pgUrl: BENCH_PG_URL, workRoot, monitor, rssLimitBytes: 8 * 1024 ** 3 },
      )
      process.stdout.write(`\n### perf gate: ${name} (${budget.fixture}, median of ${values.runs})\n\n${toolTable(result!.tools).join('\n')}\n\n`)
      const verdict = checkBudget(name, budget, result!.tools.find((t) => t.tool === 'rivet'))
      failures.push(...verdict.failures)
      notes.push(...verdict.notes)
      out[name] = { budget, tools: result!.tools }
    }
  } finally {
    rmSync(workRoot, { recursive: true, force: true })
    await monitor.close()
  }
  for (const n of notes) process.stdout.write(`note: ${n}\n`)
  for (const f of failures) process.stdout.write(`FAIL: ${f}\n`)
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ failures, notes, results: out }, null, 2)}\n`)
  process.stdout.write(failures.length ? `perf gate FAILED (${failures.length} budget violation(s))\n` : 'perf gate passed\n')
  return failures.length ? 1 : 0
}

process.exitCode = await main()
