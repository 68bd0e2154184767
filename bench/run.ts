/**
 * Rivet against its baselines on the local PostgreSQL, ratios measured in the same run.
 *
 *   npm run build && node dist/bench/run.js [--quick] [--runs 5] [--only mixed_1m,narrow_10m]
 *                                           [--tools rivet,psql_csv,...] [--rss-limit-gb 12]
 *
 * Fixtures are created on first use (bench/fixtures) and reused while their marker matches.
 * Writes bench/results/<date>-<set>.{md,json} and bench/results/latest.{md,json}.
 * Source: RIVET_BENCH_PG_URL, else RIVET_TEST_PG_URL, else postgres://postgres@127.0.0.1:5432/test.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { selectTools } from './tools/index.js'
import { machineInfo } from './lib/machine-info.js'
import { renderMarkdown, type BenchReport } from './lib/report.js'
import { runMatrix } from './lib/run-matrix.js'
import { BENCH_PG_URL, selectFixtures } from './lib/select-fixtures.js'
import { StatementMonitor } from './lib/statement-monitor.js'

const RESULTS = resolve(import.meta.dirname, '../../bench/results')

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string', default: '5' },
      only: { type: 'string' },
      tools: { type: 'string' },
      'rss-limit-gb': { type: 'string', default: '12' },
      'no-write': { type: 'boolean', default: false },
    },
  })
  const runs = Number(values.runs)
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`)
  const fixtures = selectFixtures(values.quick ?? false, values.only)
  const tools = selectTools(values.tools)
  const set = values.only || values.tools ? 'custom' : values.quick ? 'quick' : 'full'
  const log = (line: string) => process.stderr.write(`${line}\n`)
  const monitor = new StatementMonitor(BENCH_PG_URL)
  await monitor.open()
  const workRoot = mkdtempSync(join(process.env.RIVET_BENCH_TMP ?? tmpdir(), 'rivet-bench-'))
  try {
    const machine = await machineInfo(BENCH_PG_URL)
    const env = { pgUrl: BENCH_PG_URL, workRoot, monitor, rssLimitBytes: Number(values['rss-limit-gb']) * 1024 ** 3 }
    const results = await runMatrix({ fixtures, tools, runs, log }, env)
    const report: BenchReport = {
      date: new Date().toISOString(),
      set,
      command: ['node dist/bench/run.js', ...process.argv.slice(2)].join(' '),
      runs,
      tools: tools.map((t) => t.name),
      machine,
      fixtures: results,
    }
    const md = renderMarkdown(report)
    if (!values['no-write']) writeReport(report, md)
    process.stdout.write(md)
  } finally {
    rmSync(workRoot, { recursive: true, force: true })
    await monitor.close()
  }
}

function writeReport(report: BenchReport, md: string): void {
  mkdirSync(RESULTS, { recursive: true })
  const stamp = report.date.slice(0, 16).replace('T', '-').replace(':', '')
  const json = `${JSON.stringify(report, null, 2)}\n`
  for (const name of [`${stamp}-${report.set}`, 'latest']) {
    writeFileSync(join(RESULTS, `${name}.json`), json)
    writeFileSync(join(RESULTS, `${name}.md`), md)
  }
  process.stderr.write(`wrote bench/results/${stamp}-${report.set}.{md,json} and bench/results/latest.{md,json}\n`)
}

await main()
