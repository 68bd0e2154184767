/**
 * MySQL/MariaDB benchmark: Rivet against the client a user scripts, on the same table, in the
 * same run, alternating, median of several repetitions.
 *
 *   npm run build && node dist/bench/mysql.js [--runs 3] [--fixtures mixed_1m,content_2m]
 *
 * Fixtures: `mixed_<n>` (bigint, varchar, decimal, timestamp, json, uuid text: the PostgreSQL mixed
 * shape; n as 200k, 1m, 5m), `content_<n>` (the 20-column ~3 KB/row CMS table of the PostgreSQL
 * wide fixture). Each is generated once and kept, marked by its table comment.
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
import { MYSQL_CONTENT_COLUMNS, fillMysqlContent } from './fixtures/mysql-content.js'
import { MysqlStatementMonitor } from './lib/mysql-statement-monitor.js'
import { spawnMeasured, type CommandSpec, type Measurement } from './lib/spawn-measured.js'
import { median } from './lib/stats.js'
import { dirSize } from './tools/dir-size.js'

const ROOT = resolve(import.meta.dirname, '../..')
const URL_ = process.env.RIVET_BENCH_MYSQL_URL ?? process.env.RIVET_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'
const FIXTURE_VERSION = 'mysql v2'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, fixtures: { type: 'string', default: 'mixed_1m' } } })
const runs = Number(values.runs)

/** A benchmark table: its name, how to build it, and what the report says about it. */
interface MysqlFixture {
  readonly name: string
  readonly rows: number
  readonly describe: string
  create(conn: mysql.Connection, table: string): Promise<void>
}

function parseFixture(name: string): MysqlFixture {
  const m = /^(mixed|content)_(\d+)(k|m)$/.exec(name)
  if (m === null) throw new Error(`unknown fixture ${name}: use mixed_<n>k|m or content_<n>k|m`)
  const rows = Number(m[2]) * (m[3] === 'm' ? 1_000_000 : 1000)
  if (m[1] === 'content') {
    return {
      name, rows, describe: 'CMS content_items: 20 columns, ~3 KB/row (2.3 KB prose body, JSON tags and metadata, timestamps, decimal)',
      async create(conn, table) {
        await conn.query(`CREATE TABLE ${table} (${MYSQL_CONTENT_COLUMNS}) COMMENT = '${marker(name)}'`)
        await fillMysqlContent(conn, table, rows)
      },
    }
  }
  return {
    name, rows, describe: 'bigint, varchar ~40, decimal(18,4), timestamp(6), json ~55 B, char(36) uuid',
    async create(conn, table) {
      await conn.query(`CREATE TABLE ${table} (
        id BIGINT PRIMARY KEY, name VARCHAR(64), amount DECIMAL(18,4), created_at TIMESTAMP(6) NULL, payload JSON, uid CHAR(36)
      ) COMMENT = '${marker(name)}'`)
      await conn.query("SET time_zone = '+00:00'")
      await conn.query(`INSERT INTO ${table}
        SELECT seq, IF(seq % 17 = 0, NULL, CONCAT('customer ', seq, ' ', LEFT(MD5(seq), 24))),
               IF(seq % 19 = 0, NULL, (seq * 7919 % 100000000) / 10000 - 5000),
               TIMESTAMPADD(MICROSECOND, seq * 37003, '2020-01-01 00:00:00'),
               JSON_OBJECT('k', seq, 's', LEFT(MD5(seq + 1), 16), 'v', seq % 97),
               CONCAT_WS('-', LEFT(MD5(seq), 8), MID(MD5(seq), 9, 4), MID(MD5(seq), 13, 4), MID(MD5(seq), 17, 4), RIGHT(MD5(seq), 12))
        FROM seq_1_to_${rows}`)
    },
  }
}

const marker = (name: string) => `rivet-bench ${FIXTURE_VERSION} ${name}`

/** Build the fixture's table unless a table with its marker is already there. */
async function ensureFixture(conn: mysql.Connection, fixture: MysqlFixture): Promise<string> {
  const table = `bench_${fixture.name}`
  const [found] = await conn.query('SELECT TABLE_COMMENT AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [table])
  if ((found as { c: string }[])[0]?.c === marker(fixture.name)) return table
  process.stderr.write(`generating ${table} (${fixture.rows.toLocaleString('en-US')} rows) ...\n`)
  const t0 = performance.now()
  await conn.query(`DROP TABLE IF EXISTS ${table}`)
  await fixture.create(conn, table)
  await conn.query(`ANALYZE TABLE ${table}`)
  process.stderr.write(`generated ${table} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`)
  return table
}

interface BenchTool {
  name: string
  command(workDir: string): CommandSpec
  outputBytes(workDir: string): number
}

const u = new URL(URL_)
const MARIADB_ARGS = ['--batch', '--quick', '-h', u.hostname, '-P', u.port || '3306', '-u', decodeURIComponent(u.username), u.pathname.slice(1)]
if (u.password) MARIADB_ARGS.push(`-p${decodeURIComponent(u.password)}`)

/** The tools, reading `table`. */
function toolsFor(table: string): BenchTool[] {
  return [
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
}

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

const fixtures = (values.fixtures ?? '').split(',').filter((f) => f !== '').map(parseFixture)
const conn = await mysql.createConnection({ uri: URL_ })
const tables: string[] = []
for (const fixture of fixtures) tables.push(await ensureFixture(conn, fixture))
const [version] = await conn.query('SELECT VERSION() AS v')
await conn.end()
const monitor = new MysqlStatementMonitor(URL_)
await monitor.open()
const stamp = new Date().toISOString().slice(0, 16).replace('T', '-').replace(':', '')
const lines: string[] = [`# Rivet MySQL benchmark — ${new Date().toISOString()}`, '']
lines.push(
  `Command: \`node dist/bench/mysql.js --runs ${runs} --fixtures ${values.fixtures}\`. Source: ${(version as { v: string }[])[0]?.v} on the same host. ` +
    `Median of ${runs}; ratio = median over repetitions of (tool rows/s ÷ mariadb_batch rows/s in the same repetition), tools alternating. ` +
    'Peak RSS of the process tree; longest statement from PROCESSLIST TIME_MS polled every 10 ms.',
  '',
)
const results: Record<string, unknown>[] = []
const workRoot = mkdtempSync(join(tmpdir(), 'rivet-bench-mysql-'))
try {
  for (let f = 0; f < fixtures.length; f++) {
    const fixture = fixtures[f]!
    const samples = await measureFixture(toolsFor(tables[f]!), fixture)
    lines.push(`## ${fixture.name}`, '', `Table \`${tables[f]}\`: ${fixture.rows.toLocaleString('en-US')} rows of ${fixture.describe}.`, '')
    lines.push(...reportFixture(fixture, samples, results), '')
  }
} finally {
  await monitor.close()
  rmSync(workRoot, { recursive: true, force: true })
}
const outDir = join(ROOT, 'bench', 'results')
mkdirSync(outDir, { recursive: true })
writeFileSync(join(outDir, `${stamp}-mysql.md`), `${lines.join('\n')}\n`)
writeFileSync(join(outDir, `${stamp}-mysql.json`), `${JSON.stringify({ runs, fixtures: values.fixtures, results }, null, 2)}\n`)
process.stdout.write(`${lines.join('\n')}\n`)

/** Run every tool `runs` times on one fixture, alternating the order. */
async function measureFixture(tools: BenchTool[], fixture: MysqlFixture): Promise<Sample[]> {
  const samples: Sample[] = []
  for (let rep = 0; rep < runs; rep++) {
    const order = tools.map((_, i) => tools[(i + rep) % tools.length]!)
    for (const tool of order) {
      const dir = mkdtempSync(join(workRoot, `${tool.name}-`))
      mkdirSync(join(dir, 'out'), { recursive: true })
      const m: Measurement = await spawnMeasured(tool.command(dir), monitor, 12 * 1024 ** 3)
      const s: Sample = {
        tool: tool.name, rep, ok: m.exitCode === 0, wallS: m.wallS, cpuS: m.cpuS, peakRssBytes: m.peakRssBytes,
        maxStatementS: m.statements.maxStatementS, outputBytes: tool.outputBytes(dir), ...(m.exitCode === 0 ? {} : { error: m.stderrTail.slice(-300) }),
      }
      samples.push(s)
      const rate = Math.round(fixture.rows / s.wallS).toLocaleString('en-US')
      process.stderr.write(`${fixture.name} rep ${rep + 1}/${runs} ${tool.name.padEnd(14)} ${s.ok ? `${s.wallS.toFixed(2)} s  ${rate} rows/s  RSS ${(s.peakRssBytes / 2 ** 20).toFixed(0)} MiB  longest stmt ${s.maxStatementS?.toFixed(2)} s` : `FAILED ${s.error}`}\n`)
      rmSync(dir, { recursive: true, force: true })
    }
  }
  return samples
}

/** The Markdown table of one fixture (ratios within each repetition, then medians); rows also go to `results`. */
function reportFixture(fixture: MysqlFixture, samples: Sample[], results: Record<string, unknown>[]): string[] {
  const out = ['| tool | rows/s | × mariadb_batch | peak RSS MiB | CPU s | output MB | longest stmt s | wall s | ok runs |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|']
  for (const tool of [...new Set(samples.map((s) => s.tool))]) {
    const mine = samples.filter((s) => s.tool === tool && s.ok)
    const ratios = mine.map((s) => {
      const base = samples.find((b) => b.tool === 'mariadb_batch' && b.rep === s.rep && b.ok)
      return base ? base.wallS / s.wallS : null
    })
    const wall = median(mine.map((s) => s.wallS))
    const row = {
      fixture: fixture.name, tool, rowsPerS: wall ? fixture.rows / wall : null, ratio: median(ratios), peakRssMiB: median(mine.map((s) => s.peakRssBytes / 2 ** 20)),
      cpuS: median(mine.map((s) => s.cpuS)), outputMB: median(mine.map((s) => s.outputBytes / 1e6)), maxStatementS: median(mine.map((s) => s.maxStatementS)), wallS: wall,
      okRuns: `${mine.length}/${runs}`, samples: samples.filter((s) => s.tool === tool),
    }
    results.push(row)
    const f = (v: number | null, d: number) => (v === null ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }))
    out.push(`| ${row.tool} | ${f(row.rowsPerS, 0)} | ${f(row.ratio, 2)}× | ${f(row.peakRssMiB, 0)} | ${f(row.cpuS, 2)} | ${f(row.outputMB, 1)} | ${f(row.maxStatementS, 2)} | ${f(row.wallS, 2)} | ${row.okRuns} |`)
  }
  return out
}
