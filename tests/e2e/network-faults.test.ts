import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import mysql from 'mysql2/promise'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { defaultStatePath, openStateStore } from '../../src/state/index.js'
import type { ChunkTaskRecord } from '../../src/state/index.js'
import { collect, spawnCli, tempDir, writeConfig } from '../helpers/cli.js'
import type { CliResult } from '../helpers/cli.js'
import { MYSQL_URL, PG_URL, mysqlAvailable, pgAvailable, withPg } from '../helpers/db.js'
import { FaultProxy } from '../helpers/fault-proxy.js'

/**
 * Network faults between the spawned CLI and a real database, injected by a TCP proxy the source
 * URL points at: a connection reset in the middle of a result stream is retried (a chunk, or the
 * whole export) and the output still holds every row exactly once; latency and a bandwidth cap
 * only slow the run; a permanent error is not retried.
 */

const ROWS = 200_000
const MiB = 1024 * 1024
/** Where the proxy cuts a connection: a few MiB into a result stream (a chunk carries about 4.5 MiB). */
const DROP_AT = 2 * MiB
/** Retries wait about this long, so a test is not slowed by the profile's backoff. */
const TUNING = 'tuning: { retry_backoff_ms: 100, batch_size: 5000 }'

const hasPg = await pgAvailable()
const hasMysql = await mysqlAvailable()

interface Engine {
  readonly type: 'postgres' | 'mysql'
  readonly url: string
  readonly available: boolean
  /** Create nf_rows: id 1..ROWS, payload = md5(id) twice, amount = id / 100. */
  readonly setup: () => Promise<void>
}

const ENGINES: readonly Engine[] = [
  {
    type: 'postgres',
    url: PG_URL,
    available: hasPg,
    setup: () =>
      withPg(async (c) => {
        await c.query('drop table if exists nf_rows')
        await c.query('create table nf_rows (id bigint primary key, payload text not null, amount numeric(12,2) not null)')
        await c.query(`insert into nf_rows select g, repeat(md5(g::text), 2), g / 100.0 from generate_series(1, ${ROWS}) g`)
        await c.query('analyze nf_rows')
      }),
  },
  {
    type: 'mysql',
    url: MYSQL_URL,
    available: hasMysql,
    setup: async () => {
      const c = await mysql.createConnection({ uri: MYSQL_URL })
      try {
        await c.query('DROP TABLE IF EXISTS nf_rows')
        await c.query('CREATE TABLE nf_rows (id BIGINT PRIMARY KEY, payload VARCHAR(64) NOT NULL, amount DECIMAL(12,2) NOT NULL)')
        await c.query(`INSERT INTO nf_rows SELECT seq, REPEAT(MD5(seq), 2), seq / 100 FROM seq_1_to_${ROWS}`)
        await c.query('ANALYZE TABLE nf_rows')
      } finally {
        await c.end()
      }
    },
  },
]

/** The data files of a local destination: everything but the manifests and _SUCCESS. */
function dataFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).filter((f) => f !== '_SUCCESS' && !/^manifest(-.+)?\.json$/.test(f)).sort()
}

/**
 * Check every row of the CSV files in `dir` against the values the source generated from its id:
 * counts of rows, ids seen twice, ids missing and rows whose values differ.
 */
function auditRows(dir: string): { files: number; rows: number; duplicates: number; missing: number; wrong: string[] } {
  const seen = new Uint8Array(ROWS + 1)
  const wrong: string[] = []
  let rows = 0
  let duplicates = 0
  const files = dataFiles(dir)
  for (const file of files) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n')
    if (lines[0] !== 'id,payload,amount') wrong.push(`${file}: header ${lines[0]}`)
    for (const line of lines.slice(1)) {
      if (line === '') continue
      rows++
      const [idText, payload, amount] = line.split(',')
      const id = Number(idText)
      if (!Number.isInteger(id) || id < 1 || id > ROWS) {
        wrong.push(line)
        continue
      }
      if (seen[id] === 1) duplicates++
      seen[id] = 1
      const md5 = createHash('md5').update(String(id)).digest('hex')
      const cents = `${Math.floor(id / 100)}.${String(id % 100).padStart(2, '0')}`
      if (payload !== md5 + md5 || amount !== cents) wrong.push(line)
    }
  }
  let missing = 0
  for (let id = 1; id <= ROWS; id++) if (seen[id] !== 1) missing++
  return { files: files.length, rows, duplicates, missing, wrong: wrong.slice(0, 5) }
}

/** The chunk tasks of the export's runs, from the state file next to the config. */
function chunkTasks(configPath: string, exportName: string): ChunkTaskRecord[] {
  const state = openStateStore(defaultStatePath(configPath))
  try {
    return state.listChunkTasks({ exportName })
  } finally {
    state.close()
  }
}

/** Each run of the export in the state file, oldest first: its status and the retries it counted. */
function runs(configPath: string, exportName: string): { status: string; retries: unknown }[] {
  const state = openStateStore(defaultStatePath(configPath))
  try {
    return state.listRuns({ exportName }).reverse().map((r) => ({ status: r.status, retries: (r.stats as { retries?: unknown } | null)?.retries }))
  } finally {
    state.close()
  }
}

/** Log lines that announce a retry (of a chunk, of planning or of the whole export). */
function retryLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /\bretry|attempt \d+ of \d+/i.test(l))
}

/** A run that has not finished by then is killed: a hang must fail the test, not time it out. */
const RUN_DEADLINE_MS = 60_000

/** `rivet run -c cfg` in `cwd`, killed (and reported as hung) after RUN_DEADLINE_MS. */
async function run(cfg: string, cwd: string): Promise<CliResult & { hung: boolean }> {
  const child = spawnCli(['run', '-c', cfg], { cwd })
  let hung = false
  const timer = setTimeout(() => {
    hung = true
    child.kill('SIGKILL')
  }, RUN_DEADLINE_MS)
  try {
    return { ...(await collect(child)), hung }
  } finally {
    clearTimeout(timer)
  }
}

/** On failure, the run's output is in the assertion message. */
function ran(r: CliResult & { hung: boolean }): string {
  const status = r.hung ? `HUNG: killed after ${RUN_DEADLINE_MS / 1000} s` : `exit ${r.code}`
  return `${status}\n--- stderr ---\n${r.stderr}\n--- stdout ---\n${r.stdout.slice(0, 4000)}`
}

for (const engine of ENGINES) {
  describe.skipIf(!engine.available)(`network faults between rivet and ${engine.type} (spawned CLI through a TCP fault proxy)`, () => {
    let proxy: FaultProxy
    let dirs: string[] = []

    beforeAll(engine.setup, 120_000)
    afterEach(async () => {
      await proxy?.close()
      // each run writes about 18 MB; what a failure needs is in its assertion message
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
      dirs = []
    })

    /** Start a fresh proxy in front of the server and write a config whose source goes through it. */
    async function setUp(exportYaml: string): Promise<{ dir: string; cfg: string }> {
      proxy = FaultProxy.forUrl(engine.url)
      await proxy.start()
      const dir = tempDir('rivet-nf-')
      dirs.push(dir)
      const cfg = writeConfig(dir, `source:\n  type: ${engine.type}\n  url: "${proxy.urlFor(engine.url)}"\nexports:\n${exportYaml}`)
      return { dir, cfg }
    }

    const chunkedExport = (extra = ''): string =>
      `  - name: nf_chunked\n    table: nf_rows\n    mode: chunked\n    chunk_count: 4\n    parallel: 2\n    chunk_checkpoint: true\n` +
      `    format: csv\n    compression: none\n    destination: { type: local, path: "./out" }\n    ${TUNING}\n${extra}`

    it('a connection reset in the middle of a chunk is retried; every row is written exactly once', async () => {
      const { dir, cfg } = await setUp(chunkedExport())
      proxy.dropAfterBytes(DROP_AT)
      const r = await run(cfg, dir)
      expect(r.code, ran(r)).toBe(0)
      expect(proxy.stats().dropped, ran(r)).toBe(1)
      expect(auditRows(join(dir, 'out'))).toEqual({ files: 4, rows: ROWS, duplicates: 0, missing: 0, wrong: [] })
      const tasks = chunkTasks(cfg, 'nf_chunked')
      expect(tasks.map((t) => t.status)).toEqual(['completed', 'completed', 'completed', 'completed'])
      const retried = tasks.filter((t) => t.attempts >= 2)
      expect(retried.map((t) => t.attempts), ran(r)).toEqual([2])
      expect(tasks.filter((t) => t.attempts === 1)).toHaveLength(3)
      // the log names the chunk that was hit, the lost connection and the retry
      const lines = retryLines(r.stderr).filter((l) => l.includes(`chunk ${retried[0]!.index} `))
      expect(lines, ran(r)).toHaveLength(1)
      expect(lines[0]).toContain('RIVET_SOURCE_CONNECTION_LOST')
      expect(runs(cfg, 'nf_chunked')).toEqual([{ status: 'completed', retries: 1 }])
    })

    it('latency and a bandwidth cap slow the run down but every row arrives', async () => {
      const { dir, cfg } = await setUp(chunkedExport())
      proxy.latency(20).bandwidth(8 * MiB)
      const r = await run(cfg, dir)
      expect(r.code, ran(r)).toBe(0)
      expect(auditRows(join(dir, 'out'))).toEqual({ files: 4, rows: ROWS, duplicates: 0, missing: 0, wrong: [] })
      // the rows did come through the proxy, and nothing was retried
      expect(proxy.stats()).toMatchObject({ dropped: 0, refused: 0 })
      expect(proxy.stats().bytesServerToClient).toBeGreaterThan(ROWS * 64)
      expect(retryLines(r.stderr), ran(r)).toEqual([])
      expect(chunkTasks(cfg, 'nf_chunked').map((t) => t.attempts)).toEqual([1, 1, 1, 1])
      expect(runs(cfg, 'nf_chunked')).toEqual([{ status: 'completed', retries: 0 }])
    })

    it('a permanent error (a missing table) fails at once: exit 1, no retry, no more connections than with retries off', async () => {
      const missing = (retries: number): string =>
        `  - name: nf_missing\n    table: nf_no_such_table\n    format: csv\n    destination: { type: local, path: "./out" }\n` +
        `    tuning: { retry_backoff_ms: 100, max_retries: ${retries} }\n`
      const { dir, cfg } = await setUp(missing(3))
      // the control: the connections the same failure opens when retrying is switched off
      const control = writeConfig(dir, `source:\n  type: ${engine.type}\n  url: "${proxy.urlFor(engine.url)}"\nexports:\n${missing(0)}`, 'control.yaml')
      const c = await run(control, dir)
      expect(c.code, ran(c)).toBe(1)
      const controlConnections = proxy.stats().accepted
      const r = await run(cfg, dir)
      expect(r.code, ran(r)).toBe(1)
      expect(r.stderr).toContain('RIVET_SOURCE_NOT_FOUND')
      expect(retryLines(r.stderr), ran(r)).toEqual([])
      expect(proxy.stats().accepted - controlConnections, ran(r)).toBe(controlConnections)
      expect(dataFiles(join(dir, 'out'))).toEqual([])
    })

    it('a permanent error inside a chunk (a value out of range) is not retried', async () => {
      // amount reaches 2000.00; decimal(5,2) holds at most 999.99, so the chunks above id 99999 fail
      const { dir, cfg } = await setUp(chunkedExport('    columns: { amount: "decimal(5,2)" }\n'))
      const r = await run(cfg, dir)
      expect(r.code, ran(r)).toBe(3)
      expect(r.stderr).toContain('RIVET_DATA_VALUE_OUT_OF_RANGE')
      expect(retryLines(r.stderr), ran(r)).toEqual([])
      const tasks = chunkTasks(cfg, 'nf_chunked')
      expect(tasks.every((t) => t.attempts <= 1), ran(r)).toBe(true)
      expect(tasks.some((t) => t.status === 'failed' && t.errorCode === 'RIVET_DATA_VALUE_OUT_OF_RANGE')).toBe(true)
    })

    it('a connection reset in the middle of a full export starts the export again; its partial files are discarded', async () => {
      const { dir, cfg } = await setUp(
        `  - name: nf_full\n    table: nf_rows\n    format: csv\n    compression: none\n    destination: { type: local, path: "./out" }\n    ${TUNING}\n`,
      )
      proxy.dropAfterBytes(DROP_AT)
      const r = await run(cfg, dir)
      expect(r.code, ran(r)).toBe(0)
      expect(proxy.stats().dropped, ran(r)).toBe(1)
      expect(retryLines(r.stderr).join('\n'), ran(r)).toMatch(/RIVET_SOURCE_CONNECTION_LOST/)
      // no temp file of the failed attempt is left behind, and the rows are exactly the table's
      expect(readdirSync(join(dir, 'out')).filter((f) => f.includes('.rivet-tmp-'))).toEqual([])
      expect(auditRows(join(dir, 'out'))).toEqual({ files: 1, rows: ROWS, duplicates: 0, missing: 0, wrong: [] })
      // one run that retried once, not a failed run followed by another
      expect(runs(cfg, 'nf_full')).toEqual([{ status: 'completed', retries: 1 }])
    })
  })
}
