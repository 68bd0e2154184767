/**
 * Peak RSS and wall time of `rivet run` writing a ~1 GB CSV output to a local directory and to
 * S3 (s3rver in its own process on loopback, multipart uploads), alternating, median of --runs.
 * The goal: the upload stays within the process memory budget (tuning.memory_mb, 512 MiB by
 * default) and close to the local run's peak, since parts are streamed, not buffered whole.
 *
 *   npm run build && node dist/bench/destinations.js [--runs 3] [--rows 4000000]
 *
 * Results go to bench/results/<date>-destinations.md and .json. Needs RIVET_TEST_PG_URL.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { DEFAULT_MEMORY_MB } from '../src/config/tuning.js'
import { spawnS3Server, type S3Process } from './lib/s3-process.js'
import { median } from './lib/stats.js'

const PG_URL = process.env.RIVET_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const ROOT = resolve(import.meta.dirname, '../..')
const RESULTS = join(ROOT, 'bench', 'results')
const TARGETS = ['local', 's3'] as const
type Target = (typeof TARGETS)[number]

interface Sample {
  readonly target: Target
  readonly peakRssMb: number
  readonly wallS: number
  readonly outputMb: number
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, rows: { type: 'string', default: '4000000' } } })
  const runs = Number(values.runs)
  const rows = Number(values.rows)
  const table = `public.bench_dest_${rows}`
  await ensureTable(table, rows)
  const s3 = await spawnS3Server(['bench'])
  const samples: Sample[] = []
  try {
    for (let i = 0; i < runs; i++) {
      for (const target of TARGETS) {
        const s = await runOnce(target, table, rows, s3)
        process.stderr.write(`run ${i + 1}/${runs} ${target}: peak RSS ${s.peakRssMb.toFixed(1)} MiB, ${s.wallS.toFixed(2)} s, ${s.outputMb.toFixed(0)} MiB written\n`)
        samples.push(s)
      }
    }
  } finally {
    await s3.close()
  }
  const medians = TARGETS.map((target) => {
    const mine = samples.filter((s) => s.target === target)
    return { target, peakRssMb: median(mine.map((s) => s.peakRssMb))!, wallS: median(mine.map((s) => s.wallS))!, outputMb: median(mine.map((s) => s.outputMb))! }
  })
  const [local, toS3] = medians
  const date = new Date().toISOString()
  const report = { date, rows, runs, budgetMb: DEFAULT_MEMORY_MB, medians, samples, s3PeakWithinBudget: toS3!.peakRssMb <= DEFAULT_MEMORY_MB }
  const md = [
    `# Destinations: ~1 GB CSV to local and to S3 (${date}, median of ${runs})`,
    '',
    `Table ${table} (${rows.toLocaleString('en-US')} rows), CSV without compression, part_size 8 MiB. S3 is s3rver in its own process on loopback.`,
    '',
    '| destination | output (MiB) | peak RSS (MiB) | wall (s) |',
    '|---|---:|---:|---:|',
    ...medians.map((m) => `| ${m.target} | ${m.outputMb.toFixed(0)} | ${m.peakRssMb.toFixed(1)} | ${m.wallS.toFixed(2)} |`),
    '',
    `S3 / local peak RSS: **${(toS3!.peakRssMb / local!.peakRssMb).toFixed(2)}**; S3 / local wall: ${(toS3!.wallS / local!.wallS).toFixed(2)}.`,
    `Memory budget (tuning.memory_mb default): ${DEFAULT_MEMORY_MB} MiB — S3 peak ${report.s3PeakWithinBudget ? 'within' : 'NOT within'} it.`,
    '',
  ].join('\n')
  mkdirSync(RESULTS, { recursive: true })
  const stamp = date.slice(0, 16).replace(/[-:]/g, '').replace('T', '-')
  writeFileSync(join(RESULTS, `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}-${stamp.slice(9)}-destinations.json`), `${JSON.stringify(report, null, 2)}\n`)
  writeFileSync(join(RESULTS, `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}-${stamp.slice(9)}-destinations.md`), md)
  process.stdout.write(md)
  if (!report.s3PeakWithinBudget) process.exitCode = 1
}

async function ensureTable(table: string, rows: number): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    const have = await client.query<{ n: string }>(`select count(*) as n from ${table}`).catch(() => null)
    if (have !== null && Number(have.rows[0]!.n) === rows) return
    process.stderr.write(`preparing ${table} ...\n`)
    await client.query(`drop table if exists ${table}`)
    await client.query(`create table ${table} as select g::bigint as id, repeat(md5(g::text), 7) as payload,
      timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second' as at, ((g % 100000)::numeric / 7)::numeric(14,4) as amount
      from generate_series(1, ${rows}) g`)
    await client.query(`vacuum analyze ${table}`)
  } finally {
    await client.end()
  }
}

async function runOnce(target: Target, table: string, rows: number, s3: S3Process): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), 'rivet-bench-dest-'))
  const prefix = `run-${Date.now()}`
  try {
    const destination = target === 'local'
      ? '{ type: local, path: "./out" }'
      : `{ type: s3, bucket: bench, prefix: "${prefix}", endpoint: "${s3.endpoint}", access_key_env: BENCH_S3_KEY, secret_key_env: BENCH_S3_SECRET }`
    const config = join(dir, 'rivet.yaml')
    writeFileSync(config, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n  - name: wide\n    table: ${table}\n    format: csv\n    compression: none\n    destination: ${destination}\n`)
    const t0 = performance.now()
    const out = await run(join(ROOT, 'bin', 'rivet'), ['run', '-c', config, '--json', '--quiet'], { ...process.env, BENCH_S3_KEY: 'S3RVER', BENCH_S3_SECRET: 'S3RVER' })
    const wallS = (performance.now() - t0) / 1000
    const report = JSON.parse(out) as { exitCode: number; processPeakRssBytes: number; exports: { rows: number; bytes: number }[] }
    if (report.exitCode !== 0 || report.exports[0]!.rows !== rows) throw new Error(`run failed: ${out}`)
    return { target, peakRssMb: report.processPeakRssBytes / 1048576, wallS, outputMb: report.exports[0]!.bytes / 1048576 }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    // keep the loopback store from filling the disk across runs
    if (target === 's3') rmSync(join(s3.directory, 'bench', prefix), { recursive: true, force: true })
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], env })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`${cmd} exited ${code}: ${out}`))))
  })
}

await main()
