/**
 * MySQL/MariaDB benchmark: Rivet against the client a user scripts, on the same table, in the
 * same run, alternating, median of several repetitions.
 *
 *   npm run build && node dist/bench/mysql.js [--runs 3] [--rows 1000000]
 *
 * Baseline `mariadb_batch`: `mariadb --batch --quick -e "select * from t" > file` (tab-separated,
 * streamed row by row: the fastest dump the stock client offers). Source: RIVET_BENCH_MYSQL_URL,
 * else RIVET_TEST_MYSQL_URL, else mysql://root@127.0.0.1:3306/test. The longest statement comes
 * from polling information_schema.PROCESSLIST (MariaDB's TIME_MS) every 10 ms.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import mysql from 'mysql2/promise'
import { MysqlStatementMonitor } from './lib/mysql-statement-monitor.js'
import { spawnMeasured, type CommandSpec, type Measurement } from './lib/spawn-measured.js'
import { median } from './lib/stats.js'
import { dirSize } from './tools/dir-size.js'

const ROOT = resolve(import.meta.dirname, '../..')
const URL_ = process.env.RIVET_BENCH_MYSQL_URL ?? process.env.RIVET_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'
const FIXTURE_VERSION = 'mysql-mixed v1'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, rows: { type: 'string', default: '1000000' } } })
const runs = Number(values.runs)
const rows = Number(values.rows)
const table = `bench_mixed_${rows >= 1_000_000 && rows % 1_000_000 === 0 ? `${rows / 1_000_000}m` : `${rows / 1000}k`}`

/** The mixed shape of the PostgreSQL fixture, generated deterministically from MariaDB's sequence engine. */
async function ensureFixture(conn: mysql.Connection): Promise<void> {
  const marker = `rivet-bench ${FIXTURE_VERSION} rows=${rows}`
  const [found] = await conn.query('SELECT TABLE_COMMENT AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [table])
  if ((found as { c: string }[])[0]?.c === marker) return
  process.stderr.write(`generating ${table} (${rows.toLocaleString('en-US')} rows) ...\n`)
  const t0 = performance.now()
  await conn.query(`DROP TABLE IF EXISTS ${table}`)
  await conn.query(`CREATE TABLE ${table} (
    id BIGINT PRIMARY KEY, name VARCHAR(64), amount DECIMAL(18,4), created_at TIMESTAMP(6) NULL, payload JSON, uid CHAR(36)
  ) COMMENT = '${marker}'`)
  await conn.query("SET time_zone = '+00:00'")
  await conn.query(`INSERT INTO ${table}
    SELECT seq, IF(seq % 17 = 0, NULL, CONCAT('customer ', seq, ' ', LEFT(MD5(seq), 24))),
           IF(seq % 19 = 0, NULL, (seq * 7919 % 100000000) / 10000 - 5000),
           TIMESTAMPADD(MICROSECOND, seq * 37003, '2020-01-01 00:00:00'),
           JSON_OBJECT('k', seq, 's', LEFT(MD5(seq + 1), 16), 'v', seq % 97),
           CONCAT_WS('-', LEFT(MD5(seq), 8), MID(MD5(seq), 9, 4), MID(MD5(seq), 13, 4), MID(MD5(seq), 17, 4), RIGHT(MD5(seq), 12))
    FROM seq_1_to_${rows}`)
  await conn.query(`ANALYZE TABLE ${table}`)
  process.stderr.write(`generated ${table} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`)
}

interface BenchTool {
  name: string
  command(workDir: string): CommandSpec
  outputBytes(workDir: string): number
}

const u = new URL(URL_)
const MARIADB_ARGS = ['--batch', '--quick', '-h', u.hostname, '-P', u.port || '3306', '-u', decodeURIComponent(u.username), u.pathname.slice(1)]
if (u.password) MARIADB_ARGS.push(`-p${decodeURIComponent(u.password)}`)

const TOOLS: BenchTool[] = [
  {
    name: 'mariadb_batch',
    command: (dir) => ({ cmd: 'mariadb', args: [...MARIADB_ARGS, '-e', `select * from ${table}`], stdout: { file: join(dir, 'out.tsv') }, appTag: 'mariadb' }),
    outputBytes: (dir) => dirSize(dir),
  },
  ...(['parquet', 'csv'] as const).map((format) => ({
    name: format === 'parquet' ? 'rivet' : 'rivet_csv',
    command: (dir: string): CommandSpec => {
      const config = join(dir, 'rivet.yaml')
      writeFileSync(
        config,
        `source:\n  type: mysql\n  url: ${JSON.stringify(URL_)}\nexports:\n  - name: m\n    table: ${table}\n    format: ${format}\n    compression: zstd\n    destination: { type: local, path: ${JSON.stringify(join(dir, 'out'))} }\n`,
      )
      return { cmd: join(ROOT, 'bin', 'rivet'), args: ['run', '-c', config, '--quiet'], cwd: dir, appTag: 'rivet' }
    },
    outputBytes: (dir: string) => dirSize(join(dir, 'out')),
  })),
]

interface Sample {
  tool: string
  rep: number
  ok: boolean
  wallS: number
  cpuS: number
  peakRssBytes: number
  maxStatementS: number | null
  outputBytes: number
  error?: string
}

const conn = await mysql.createConnection({ uri: URL_ })
await ensureFixture(conn)
const [version] = await conn.query('SELECT VERSION() AS v')
await conn.end()
const monitor = new MysqlStatementMonitor(URL_)
await monitor.open()
const samples: Sample[] = []
const workRoot = mkdtempSync(join(tmpdir(), 'rivet-bench-mysql-'))
try {
  for (let rep = 0; rep < runs; rep++) {
    const order = TOOLS.map((_, i) => TOOLS[(i + rep) % TOOLS.length]!)
    for (const tool of order) {
      const dir = mkdtempSync(join(workRoot, `${tool.name}-`))
      mkdirSync(join(dir, 'out'), { recursive: true })
      const m: Measurement = await spawnMeasured(tool.command(dir), monitor, 12 * 1024 ** 3)
      const s: Sample = {
        tool: tool.name, rep, ok: m.exitCode === 0, wallS: m.wallS, cpuS: m.cpuS, peakRssBytes: m.peakRssBytes,
        maxStatementS: m.statements.maxStatementS, outputBytes: tool.outputBytes(dir), ...(m.exitCode === 0 ? {} : { error: m.stderrTail.slice(-300) }),
      }
      samples.push(s)
      process.stderr.write(`rep ${rep + 1}/${runs} ${tool.name.padEnd(14)} ${s.ok ? `${s.wallS.toFixed(2)} s  ${Math.round(rows / s.wallS).toLocaleString('en-US')} rows/s  RSS ${(s.peakRssBytes / 2 ** 20).toFixed(0)} MiB  longest stmt ${s.maxStatementS?.toFixed(2)} s` : `FAILED ${s.error}`}\n`)
      rmSync(dir, { recursive: true, force: true })
    }
  }
} finally {
  await monitor.close()
  rmSync(workRoot, { recursive: true, force: true })
}

// ratios within each repetition, then medians
const lines: string[] = []
const stamp = new Date().toISOString().slice(0, 16).replace('T', '-').replace(':', '')
lines.push(`# Rivet MySQL benchmark — ${new Date().toISOString()}`, '')
lines.push(`Command: \`node dist/bench/mysql.js --runs ${runs} --rows ${rows}\`. Source: ${(version as { v: string }[])[0]?.v} on the same host. Table \`${table}\`: ${rows.toLocaleString('en-US')} rows of (bigint, varchar ~40, decimal(18,4), timestamp(6), json ~55 B, char(36) uuid). Median of ${runs}; ratio = median over repetitions of (tool rows/s ÷ mariadb_batch rows/s in the same repetition). Longest statement: PROCESSLIST TIME_MS polled every 10 ms.`, '')
lines.push('| tool | rows/s | × mariadb_batch | peak RSS MiB | CPU s | output MB | longest stmt s | wall s | ok runs |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|')
const summary: Record<string, unknown>[] = []
for (const tool of TOOLS) {
  const mine = samples.filter((s) => s.tool === tool.name && s.ok)
  const ratios = mine.map((s) => {
    const base = samples.find((b) => b.tool === 'mariadb_batch' && b.rep === s.rep && b.ok)
    return base ? base.wallS / s.wallS : null
  })
  const wall = median(mine.map((s) => s.wallS))
  const row = {
    tool: tool.name, rowsPerS: wall ? rows / wall : null, ratio: median(ratios), peakRssMiB: median(mine.map((s) => s.peakRssBytes / 2 ** 20)),
    cpuS: median(mine.map((s) => s.cpuS)), outputMB: median(mine.map((s) => s.outputBytes / 1e6)), maxStatementS: median(mine.map((s) => s.maxStatementS)), wallS: wall,
    okRuns: `${mine.length}/${runs}`,
  }
  summary.push(row)
  const f = (v: number | null, d: number) => (v === null ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }))
  lines.push(`| ${row.tool} | ${f(row.rowsPerS, 0)} | ${f(row.ratio, 2)}× | ${f(row.peakRssMiB, 0)} | ${f(row.cpuS, 2)} | ${f(row.outputMB, 1)} | ${f(row.maxStatementS, 2)} | ${f(row.wallS, 2)} | ${row.okRuns} |`)
}
const outDir = join(ROOT, 'bench', 'results')
mkdirSync(outDir, { recursive: true })
writeFileSync(join(outDir, `${stamp}-mysql.md`), `${lines.join('\n')}\n`)
writeFileSync(join(outDir, `${stamp}-mysql.json`), `${JSON.stringify({ rows, runs, table, summary, samples }, null, 2)}\n`)
process.stdout.write(`${lines.join('\n')}\n`)
