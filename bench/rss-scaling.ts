/**
 * Peak RSS of `rivet run` on the mixed-type table at 1M and 5M rows: memory must stay flat
 * as the table grows (acceptance: the 5M peak within 10% of the 1M peak).
 *
 *   npm run build && node dist/bench/rss-scaling.js [--runs 3] [--small 1000000] [--large 5000000]
 *
 * Each size runs `--runs` times, alternating, and the median is reported. Results go to
 * bench/results/rss-scaling.json and .md. Needs RIVET_TEST_PG_URL (default local server).
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { ensureMixedTable } from './fixtures/mixed.js'

const PG_URL = process.env.RIVET_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const ROOT = resolve(import.meta.dirname, '../..')
const RESULTS = join(ROOT, 'bench', 'results')

interface Sample {
  rows: number
  peakRssMb: number
  wallS: number
  rowsPerSec: number
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, small: { type: 'string', default: '1000000' }, large: { type: 'string', default: '5000000' } } })
  const runs = Number(values.runs)
  const sizes = [Number(values.small), Number(values.large)]
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  for (const n of sizes) {
    process.stderr.write(`preparing bench_mixed_${n} ...\n`)
    await ensureMixedTable(client, `public.bench_mixed_${n}`, n)
  }
  await client.end()
  const samples = new Map<number, Sample[]>(sizes.map((n) => [n, []]))
  for (let i = 0; i < runs; i++) {
    for (const n of sizes) {
      const s = await runOnce(n)
      process.stderr.write(`run ${i + 1}/${runs} ${n} rows: peak RSS ${s.peakRssMb.toFixed(1)} MiB, ${s.wallS.toFixed(2)} s\n`)
      samples.get(n)!.push(s)
    }
  }
  const medians = sizes.map((n) => ({ rows: n, peakRssMb: median(samples.get(n)!.map((s) => s.peakRssMb)), wallS: median(samples.get(n)!.map((s) => s.wallS)) }))
  const ratio = medians[1]!.peakRssMb / medians[0]!.peakRssMb
  const report = { date: new Date().toISOString(), runs, medians, ratioLargeToSmall: ratio, withinTenPercent: ratio <= 1.1, samples: Object.fromEntries(samples) }
  mkdirSync(RESULTS, { recursive: true })
  writeFileSync(join(RESULTS, 'rss-scaling.json'), `${JSON.stringify(report, null, 2)}\n`)
  const md = [
    `# Peak RSS vs table size (${report.date}, median of ${runs})`,
    '',
    '| rows | peak RSS (MiB) | wall (s) |',
    '|---:|---:|---:|',
    ...medians.map((m) => `| ${m.rows.toLocaleString('en-US')} | ${m.peakRssMb.toFixed(1)} | ${m.wallS.toFixed(2)} |`),
    '',
    `Large / small peak RSS: **${ratio.toFixed(3)}** (${report.withinTenPercent ? 'within' : 'NOT within'} 10%)`,
    '',
  ].join('\n')
  writeFileSync(join(RESULTS, 'rss-scaling.md'), md)
  process.stdout.write(md)
  if (!report.withinTenPercent) process.exitCode = 1
}

async function runOnce(rows: number): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), 'rivet-bench-'))
  try {
    const config = join(dir, 'rivet.yaml')
    writeFileSync(
      config,
      `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n  - name: mixed\n    table: public.bench_mixed_${rows}\n    format: parquet\n    compression: zstd\n    destination: { type: local, path: "./out" }\n`,
    )
    const t0 = performance.now()
    const out = await run(join(ROOT, 'bin', 'rivet'), ['run', '-c', config, '--json', '--quiet'])
    const wallS = (performance.now() - t0) / 1000
    const report = JSON.parse(out) as { exitCode: number; processPeakRssBytes: number; exports: { rows: number }[] }
    if (report.exitCode !== 0 || report.exports[0]!.rows !== rows) throw new Error(`run failed: ${out}`)
    return { rows, peakRssMb: report.processPeakRssBytes / 1048576, wallS, rowsPerSec: rows / wallS }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`${cmd} exited ${code}: ${out}`))))
  })
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

await main()
