/**
 * How close `rivet check`'s memory estimate comes to the peak RSS `rivet run` measures, on the
 * benchmark's tables and on chunked parallel reads: the goal is within 2× either way.
 *
 *   npm run build && node dist/bench/check-memory.js [--runs 3]
 *
 * For each case: the estimate from `rivet check --json`, then `--runs` runs of `rivet run` and the
 * median of their process peak RSS. Results go to bench/results/<date>-check-memory.md/.json.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { ensureMixedTable } from './fixtures/mixed.js'
import { median } from './lib/stats.js'

const PG_URL = process.env.RIVET_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const ROOT = resolve(import.meta.dirname, '../..')
const RESULTS = join(ROOT, 'bench', 'results')

interface Case {
  readonly name: string
  /** The export's YAML keys besides name and destination. */
  readonly keys: string
}

const CASES: readonly Case[] = [
  { name: 'mixed_parquet', keys: 'table: public.bench_mixed_1000000, format: parquet' },
  { name: 'mixed_csv', keys: 'table: public.bench_mixed_1000000, format: csv, compression: zstd' },
  { name: 'mixed_chunked_p4', keys: 'table: public.bench_mixed_1000000, format: parquet, mode: chunked, chunk_column: id, chunk_count: 16, parallel: 4' },
  { name: 'mixed_big_batches', keys: 'table: public.bench_mixed_1000000, format: parquet, tuning: { batch_size_memory_mb: 32 }' },
]

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } })
  const runs = Number(values.runs)
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  await ensureMixedTable(client, 'public.bench_mixed_1000000', 1_000_000)
  await client.end()
  const rows: { name: string; estimateMb: number; peakMb: number; ratio: number; samples: number[] }[] = []
  for (const c of CASES) {
    const dir = mkdtempSync(join(tmpdir(), 'rivet-bench-check-'))
    try {
      const config = join(dir, 'rivet.yaml')
      writeFileSync(config, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n  - { name: ${c.name}, ${c.keys}, destination: { type: local, path: "./out/{export}" } }\n`)
      const check = JSON.parse(await run(['check', '-c', config, '--json'], true)) as { exports: { memory: { estimate_mb: number } }[] }
      const estimateMb = check.exports[0]!.memory.estimate_mb
      const samples: number[] = []
      for (let i = 0; i < runs; i++) {
        const report = JSON.parse(await run(['run', '-c', config, '--json', '--quiet'], false)) as { processPeakRssBytes: number }
        samples.push(report.processPeakRssBytes / 1048576)
        rmSync(join(dir, 'out'), { recursive: true, force: true })
      }
      const peakMb = median(samples)!
      rows.push({ name: c.name, estimateMb, peakMb, ratio: estimateMb / peakMb, samples })
      process.stderr.write(`${c.name}: estimate ${estimateMb} MiB, peak ${peakMb.toFixed(1)} MiB (${samples.map((s) => s.toFixed(0)).join(', ')})\n`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  const within = rows.every((r) => r.ratio >= 0.5 && r.ratio <= 2)
  const date = new Date().toISOString()
  const md = [
    `# rivet check memory estimate vs measured peak RSS (${date}, median of ${runs} runs)`,
    '',
    '| case | estimate (MiB) | peak RSS (MiB) | estimate / peak |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${r.estimateMb} | ${r.peakMb.toFixed(1)} | ${r.ratio.toFixed(2)} |`),
    '',
    `All within 2× either way: **${within ? 'yes' : 'NO'}**`,
    '',
  ].join('\n')
  mkdirSync(RESULTS, { recursive: true })
  const stamp = `${date.slice(0, 10)}-${date.slice(11, 13)}${date.slice(14, 16)}`
  writeFileSync(join(RESULTS, `${stamp}-check-memory.md`), md)
  writeFileSync(join(RESULTS, `${stamp}-check-memory.json`), `${JSON.stringify({ date, runs, rows, within }, null, 2)}\n`)
  process.stdout.write(md)
  if (!within) process.exitCode = 1
}

function run(args: string[], allowNonZero: boolean): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(join(ROOT, 'bin', 'rivet'), args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 || allowNonZero ? resolvePromise(out) : reject(new Error(`rivet ${args[0]} exited ${code}: ${out}`))))
  })
}

await main()
