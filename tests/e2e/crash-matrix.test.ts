import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import mysql from 'mysql2/promise'
import { beforeAll, describe, expect, it } from 'vitest'
import { openStateStore } from '../../src/state/index.js'
import type { ChunkTaskRecord, RunRecord } from '../../src/state/index.js'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'
import type { CliResult } from '../helpers/cli.js'
import { MYSQL_URL, PG_URL, mysqlAvailable, pgAvailable, withPg, withMysql } from '../helpers/db.js'

/*
 * The crash matrix: every crash point of the commit protocol (RIVET_TEST_PANIC_AT, which makes the
 * process SIGKILL itself there) × every mode, on PostgreSQL and MariaDB. Each case crashes a run,
 * checks what the crash left, runs the next `rivet run` (or `--resume`) the contract prescribes, and
 * then checks that the sealed output holds exactly the source rows, that no file is orphaned, and
 * what the state says. docs/semantics.md describes the contract these cases encode.
 */

const hasPg = await pgAvailable()
const hasMysql = await mysqlAvailable()

const EXPORT = 'cm'
const ROWS = 4000
const CHUNKS = 7
/** A chunk in the middle of the run: some chunks finish before it, some after. */
const MID = 3

type Mode = 'full' | 'incremental' | 'chunked'
/** What the crash leaves of the crashed run. */
type Left =
  | 'temp-files' // rows read into temp files, nothing recorded, nothing published
  | 'unsealed-files' // files recorded pending and published under final names, no manifest of the run
  | 'committed-chunk' // as unsealed-files, and chunk MID committed in state
  | 'sealed' // manifest-<run_id>.json, manifest.json and _SUCCESS in place; run still 'running'
  | 'completed' // the run is completed in state
/** What the next invocation is: a plain run, a resume, or a resume that finds nothing (RIVET_RESUME_NOTHING). */
type Step = 'run' | 'resume' | 'resume-nothing'

interface Case {
  readonly mode: Mode
  readonly point: string
  readonly left: Left
  readonly next: readonly Step[]
  /** What the recovery at the start of the next run does with the crashed run. */
  readonly recovery: 'interrupted' | 'rolled-forward' | 'none'
  /** The crashed run's final status (a resumed chunked run completes under its own id). */
  readonly finalStatus: 'interrupted' | 'completed'
}

/** Non-chunked modes: a crash before the seal is redone by the next run; after it, rolled forward. */
const single = (mode: Mode): Case[] => [
  { mode, point: 'after_source_read', left: 'temp-files', next: ['run'], recovery: 'interrupted', finalStatus: 'interrupted' },
  { mode, point: 'after_file_write', left: 'unsealed-files', next: ['run'], recovery: 'interrupted', finalStatus: 'interrupted' },
  { mode, point: 'after_manifest_update', left: 'sealed', next: ['run'], recovery: 'rolled-forward', finalStatus: 'completed' },
  { mode, point: 'after_cursor_commit', left: 'completed', next: ['run'], recovery: 'none', finalStatus: 'completed' },
]

/** Checkpointed chunked runs: a crash before the seal is resumed; after it there is nothing to resume. */
const CHUNKED: Case[] = [
  { mode: 'chunked', point: 'after_source_read', left: 'temp-files', next: ['resume'], recovery: 'interrupted', finalStatus: 'completed' },
  { mode: 'chunked', point: 'after_file_write', left: 'unsealed-files', next: ['resume'], recovery: 'interrupted', finalStatus: 'completed' },
  { mode: 'chunked', point: `after_chunk_file:${MID}`, left: 'unsealed-files', next: ['resume'], recovery: 'interrupted', finalStatus: 'completed' },
  { mode: 'chunked', point: `after_chunk_complete:${MID}`, left: 'committed-chunk', next: ['resume'], recovery: 'interrupted', finalStatus: 'completed' },
  { mode: 'chunked', point: 'after_manifest_update', left: 'sealed', next: ['resume-nothing', 'run'], recovery: 'rolled-forward', finalStatus: 'completed' },
  { mode: 'chunked', point: 'after_cursor_commit', left: 'completed', next: ['resume-nothing', 'run'], recovery: 'none', finalStatus: 'completed' },
  // an operator may start over instead of resuming: the new run must not leave the old run's chunks behind
  {
    mode: 'chunked', point: `after_chunk_complete:${MID}`, left: 'committed-chunk', next: ['run'], recovery: 'interrupted', finalStatus: 'interrupted',
  },
]

const MATRIX: Case[] = [...single('full'), ...single('incremental'), ...CHUNKED]

/** One source server: how to build the tables and read them back as text. */
interface SourceKit {
  readonly label: string
  readonly type: 'postgres' | 'mysql'
  readonly url: string
  /** Run statements in order. */
  exec(statements: readonly string[]): Promise<void>
  /** Rows of a query, every value as text, in select-list order. */
  rows(sql: string): Promise<string[][]>
  /** Whether `value` (the stored cursor text) equals max(updated_at) of `table`. */
  isMaxCursor(table: string, value: string): Promise<boolean>
  createRows(table: string): string[]
  createIncremental(table: string): string[]
  /** Rows 3001..4000 after the first run, and five rows at the first run's last cursor value (ties). */
  insertNewRows(table: string): string[]
  /** The columns in CSV header order, as text in the CSV encoding. */
  selectRows(table: string): string
  selectIncremental(table: string): string
}

const PG: SourceKit = {
  label: 'PostgreSQL',
  type: 'postgres',
  url: PG_URL,
  exec: (statements) => withPg(async (c) => {
    for (const s of statements) await c.query(s)
  }),
  rows: (sql) => withPg(async (c) => (await c.query({ text: sql, rowMode: 'array' })).rows as string[][]),
  isMaxCursor: (table, value) => withPg(async (c) => (await c.query(`select max(updated_at) = $1::timestamptz as ok from ${table}`, [value])).rows[0].ok === true),
  createRows: (t) => [
    `drop table if exists ${t}`,
    `create table ${t} (id bigint primary key, payload text not null)`,
    // commas, quotes and a newline in every value: the CSV reader must get quoting right
    `insert into ${t} select g, 'p' || g || ',"q"' || chr(10) || md5(g::text) from generate_series(1, ${ROWS}) g`,
    `analyze ${t}`,
  ],
  createIncremental: (t) => [
    `drop table if exists ${t}`,
    `create table ${t} (id bigint primary key, updated_at timestamptz not null, payload text not null)`,
    // ten rows share each updated_at value: the cursor boundary always has ties
    `insert into ${t} select g, timestamptz '2024-01-01 00:00:00+00' + ((g - 1) / 10) * interval '1 second', 'p' || g || ',"q"' || chr(10) || md5(g::text) from generate_series(1, 3000) g`,
  ],
  insertNewRows: (t) => [
    `insert into ${t} select g, timestamptz '2024-01-01 00:00:00+00' + ((g - 1) / 10) * interval '1 second', 'p' || g || ',"q"' || chr(10) || md5(g::text) from generate_series(3001, ${ROWS}) g`,
    `insert into ${t} select g, timestamptz '2024-01-01 00:00:00+00' + interval '299 seconds', 'late ' || g from generate_series(${ROWS + 1}, ${ROWS + 5}) g`,
  ],
  selectRows: (t) => `select id::text, payload from ${t}`,
  selectIncremental: (t) => `select id::text, to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), payload from ${t}`,
}

/** The shared helper, with times read as UTC. */
const withMysqlUtc = <T>(fn: (c: mysql.Connection) => Promise<T>): Promise<T> => withMysql(fn, { timezone: 'Z' })

const MARIADB: SourceKit = {
  label: 'MariaDB',
  type: 'mysql',
  url: MYSQL_URL,
  exec: (statements) => withMysqlUtc(async (c) => {
    for (const s of statements) await c.query(s)
  }),
  rows: (sql) => withMysqlUtc(async (c) => ((await c.query({ sql, rowsAsArray: true }))[0] as unknown[][]).map((r) => r.map((v) => String(v)))),
  isMaxCursor: (table, value) => withMysqlUtc(async (c) => {
    const [rows] = await c.query(`SELECT MAX(updated_at) = CAST(? AS DATETIME(6)) AS ok FROM ${table}`, [value])
    return Number((rows as { ok: unknown }[])[0]!.ok) === 1
  }),
  createRows: (t) => [
    `DROP TABLE IF EXISTS ${t}`,
    `CREATE TABLE ${t} (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)`,
    `INSERT INTO ${t} SELECT seq, CONCAT('p', seq, ',"q"', '\\n', MD5(seq)) FROM seq_1_to_${ROWS}`,
    `ANALYZE TABLE ${t}`,
  ],
  createIncremental: (t) => [
    `DROP TABLE IF EXISTS ${t}`,
    `CREATE TABLE ${t} (id BIGINT PRIMARY KEY, updated_at DATETIME(6) NOT NULL, payload TEXT NOT NULL, KEY (updated_at))`,
    `INSERT INTO ${t} SELECT seq, TIMESTAMPADD(SECOND, (seq - 1) DIV 10, '2024-01-01 00:00:00'), CONCAT('p', seq, ',"q"', '\\n', MD5(seq)) FROM seq_1_to_3000`,
  ],
  insertNewRows: (t) => [
    `INSERT INTO ${t} SELECT seq, TIMESTAMPADD(SECOND, (seq - 1) DIV 10, '2024-01-01 00:00:00'), CONCAT('p', seq, ',"q"', '\\n', MD5(seq)) FROM seq_3001_to_${ROWS}`,
    `INSERT INTO ${t} SELECT seq, TIMESTAMPADD(SECOND, 299, '2024-01-01 00:00:00'), CONCAT('late ', seq) FROM seq_${ROWS + 1}_to_${ROWS + 5}`,
  ],
  selectRows: (t) => `SELECT CAST(id AS CHAR), payload FROM ${t}`,
  selectIncremental: (t) => `SELECT CAST(id AS CHAR), DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%s.%f'), payload FROM ${t}`,
}

/** The table a case reads: full and chunked share one read-only table; each incremental case has its own. */
function tableOf(kit: SourceKit, c: Case): string {
  return c.mode === 'incremental' ? `cm_inc_${kit.type === 'postgres' ? 'pg' : 'my'}_${c.point.replace(/\W/g, '_')}` : `cm_rows_${kit.type === 'postgres' ? 'pg' : 'my'}`
}

function configYaml(kit: SourceKit, c: Case, table: string): string {
  const modeKeys = {
    full: '',
    incremental: '    mode: incremental\n    cursor_column: updated_at\n',
    chunked: `    mode: chunked\n    chunk_column: id\n    chunk_count: ${CHUNKS}\n    parallel: 2\n    chunk_checkpoint: true\n`,
  }[c.mode]
  return `source:\n  type: ${kit.type}\n  url: ${kit.url}\nexports:\n  - name: ${EXPORT}\n    table: ${table}\n    format: csv\n    compression: none\n` +
    `${modeKeys}    tuning: { batch_size: 500 }\n    destination: { type: local, path: "./out" }\n`
}

/** RFC 4180: quoted fields may hold commas, doubled quotes and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch !== '"') field += ch
      else if (text[i + 1] === '"') (field += '"'), i++
      else quoted = false
    } else if (ch === '"') quoted = true
    else if (ch === ',') row.push(field), (field = '')
    else if (ch === '\n') row.push(field), rows.push(row), (row = []), (field = '')
    else field += ch
  }
  if (quoted) throw new Error('CSV ends inside a quoted field')
  if (field !== '' || row.length > 0) throw new Error('CSV does not end with a newline')
  return rows
}

interface Manifest {
  readonly run_id: string
  readonly rows: number
  readonly files: readonly { readonly name: string; readonly rows: number; readonly bytes: number; readonly chunk?: number }[]
}

const isRunManifest = (name: string) => /^manifest-.+\.json$/.test(name)
const isDataFile = (name: string) => !name.startsWith('.') && name !== '_SUCCESS' && name !== 'manifest.json' && !isRunManifest(name)

function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : []
}

function readManifest(dir: string, name: string): Manifest {
  return JSON.parse(readFileSync(join(dir, name), 'utf8')) as Manifest
}

/** A row as compared with the source: its key and a checksum of all its values. */
const rowSig = (values: readonly string[]) => `${values[0]}:${createHash('sha256').update(values.join('\u0000')).digest('hex').slice(0, 16)}`

/** The rows of the files the manifests declare, each tagged with the run whose manifest lists it. */
function readDeclaredRows(dir: string, manifests: readonly Manifest[], header: readonly string[]): { sig: string; runId: string }[] {
  const out: { sig: string; runId: string }[] = []
  for (const m of manifests) {
    for (const f of m.files) {
      const path = join(dir, f.name)
      expect(existsSync(path), `${f.name}, listed in the manifest of run ${m.run_id}, is missing`).toBe(true)
      expect(statSync(path).size, `${f.name}: bytes`).toBe(f.bytes)
      const [head, ...rows] = parseCsv(readFileSync(path, 'utf8'))
      expect(head, `${f.name}: header`).toEqual(header)
      expect(rows.length, `${f.name}: rows against its manifest entry`).toBe(f.rows)
      for (const r of rows) out.push({ sig: rowSig(r), runId: m.run_id })
    }
  }
  return out
}

/** Rows lost, and rows delivered more than once with the runs whose manifests list them. */
function multisetDiff(expected: readonly string[], got: readonly { sig: string; runId: string }[]): { lost: string[]; extra: string[] } {
  const want = new Map<string, number>()
  for (const s of expected) want.set(s, (want.get(s) ?? 0) + 1)
  const seen = new Map<string, string[]>()
  for (const g of got) seen.set(g.sig, [...(seen.get(g.sig) ?? []), g.runId])
  const lost = [...want.keys()].filter((s) => !seen.has(s))
  const extra: string[] = []
  for (const [sig, runs] of seen) if (runs.length !== (want.get(sig) ?? 0)) extra.push(`${sig} ×${runs.length} (runs ${runs.join(', ')})`)
  return { lost: lost.slice(0, 10), extra: extra.slice(0, 10) }
}

/** Read the state file of a case; closed before the next CLI run. */
function readState<T>(dir: string, fn: (s: ReturnType<typeof openStateStore>) => T): T {
  const store = openStateStore(join(dir, '.rivet_state.db'))
  try {
    return fn(store)
  } finally {
    store.close()
  }
}

/** One case: a temp dir and config, and the CLI runs made in it. */
class Scenario {
  readonly dir = tempDir('rivet-cm-')
  readonly out = join(this.dir, 'out')
  readonly cfg: string

  constructor(yaml: string) {
    this.cfg = writeConfig(this.dir, yaml)
  }

  run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    return runCli(['run', '-c', this.cfg, ...args], { cwd: this.dir, env })
  }

  runs(): RunRecord[] {
    return readState(this.dir, (s) => s.listRuns({ exportName: EXPORT }))
  }
}

function expectOk(r: CliResult, what: string): void {
  expect(r.signal, `${what}: ${r.stderr.slice(-2000)}`).toBeNull()
  expect(r.code, `${what}: ${r.stderr.slice(-2000)}`).toBe(0)
}

/** What the crashed run left, checked right after the kill. */
function checkLeft(sc: Scenario, c: Case, run: RunRecord): ChunkTaskRecord[] {
  const names = listDir(sc.out)
  const { files, tasks, prepared } = readState(sc.dir, (s) => ({
    files: s.listFiles({ runId: run.runId, includeUncommitted: true }),
    tasks: s.listChunkTasks({ runId: run.runId }),
    prepared: s.getPreparedCompletion(run.runId),
  }))
  const ownManifest = `manifest-${run.runId}.json`
  const temps = names.filter((n) => n.includes(`.rivet-tmp-${run.runId}`))
  expect(run.status, 'status of the crashed run').toBe(c.left === 'completed' ? 'completed' : 'running')
  switch (c.left) {
    case 'temp-files':
      expect(files, 'files recorded in state').toEqual([])
      expect(temps.length, 'temp files of the crashed run').toBeGreaterThan(0)
      expect(names).not.toContain(ownManifest)
      break
    case 'unsealed-files':
    case 'committed-chunk':
      expect(files.length, 'files recorded in state').toBeGreaterThan(0)
      // the chunk that just committed its files may be the only one that published any
      if (c.left === 'unsealed-files') expect(files.some((f) => !f.committed), 'a published file not committed yet').toBe(true)
      for (const f of files.filter((f) => !f.committed)) expect(names, 'published under its final name').toContain(f.fileName)
      expect(names).not.toContain(ownManifest)
      if (c.point.startsWith('after_chunk_')) {
        const mid = tasks.find((t) => t.index === MID)!
        expect(mid.status, `chunk ${MID}`).toBe(c.left === 'committed-chunk' ? 'completed' : 'running')
        expect(files.filter((f) => f.chunkIndex === MID).every((f) => f.committed === (c.left === 'committed-chunk'))).toBe(true)
      }
      break
    case 'sealed':
    case 'completed':
      expect(names).toContain(ownManifest)
      expect(JSON.parse(readFileSync(join(sc.out, '_SUCCESS'), 'utf8'))).toMatchObject({ run_id: run.runId, manifest: ownManifest })
      expect(prepared, 'completion prepared before the seal').toBeDefined()
      break
  }
  return tasks
}

async function runMatrixCase(kit: SourceKit, c: Case): Promise<void> {
  const table = tableOf(kit, c)
  const sc = new Scenario(configYaml(kit, c, table))
  const header = c.mode === 'incremental' ? ['id', 'updated_at', 'payload'] : ['id', 'payload']
  if (c.mode === 'incremental') {
    await kit.exec(kit.createIncremental(table))
    expectOk(await sc.run([]), 'the first incremental run')
    await kit.exec(kit.insertNewRows(table))
  }
  const before = new Set(sc.runs().map((r) => r.runId))

  const crash = await sc.run([], { RIVET_TEST_PANIC_AT: c.point })
  // killed by the signal, not exited: a point that never fires ends the run normally and fails here
  expect(crash.signal, crash.stderr.slice(-2000)).toBe('SIGKILL')
  expect(crash.code).toBeNull()
  expect(crash.stderr).toContain(`RIVET_TEST_PANIC_AT=${c.point}: killing the process`)
  if (c.mode === 'chunked') expect(crash.stderr).toContain(`${CHUNKS} chunk(s) on id, 2 in parallel, checkpointed`)
  const crashed = sc.runs().filter((r) => !before.has(r.runId))
  expect(crashed, 'one run started by the crashed process').toHaveLength(1)
  const run = crashed[0]!
  const tasksAtCrash = checkLeft(sc, c, run)

  for (const step of c.next) {
    const r = await sc.run(step === 'run' ? [] : ['--resume', '-e', EXPORT])
    if (step === 'resume-nothing') {
      expect(r.code, r.stderr.slice(-2000)).toBe(1)
      expect(r.stderr).toContain('[RIVET_RESUME_NOTHING]')
    } else {
      expectOk(r, step)
      if (step === 'resume') expect(r.stderr).toContain(`resuming run ${run.runId}`)
    }
  }

  // state: the crashed run, its recovery, the locks, the chunks and the cursor
  const final = readState(sc.dir, (s) => ({
    runs: s.listRuns({ exportName: EXPORT }),
    recovery: s.listEvents({ runId: run.runId, kind: 'recovery' }),
    tasks: s.listChunkTasks({ runId: run.runId }),
    cursor: s.getCursor(EXPORT),
    lock: s.getExportLock(EXPORT),
  }))
  expect(final.runs.find((r) => r.runId === run.runId)!.status, 'final status of the crashed run').toBe(c.finalStatus)
  expect(final.runs.filter((r) => r.status !== 'completed' && r.runId !== run.runId), 'other runs not completed').toEqual([])
  expect(final.lock, 'the export lock is released').toBeUndefined()
  const expectedRecovery = { interrupted: [false], 'rolled-forward': [true], none: [] }[c.recovery]
  const settling = final.recovery.filter((e) => e.data?.superseded !== true)
  expect(settling.map((e) => e.data?.rolledForward === true), 'recovery of the crashed run').toEqual(expectedRecovery)
  // starting over instead of resuming removes the crashed run's committed chunks, and says so once
  const superseded = final.recovery.filter((e) => e.data?.superseded === true)
  if (c.left === 'committed-chunk' && !c.next.includes('resume')) {
    expect(superseded, 'the crashed run is superseded by the new run').toHaveLength(1)
    expect((superseded[0]!.data!.removedFiles as string[]).length).toBeGreaterThan(0)
  } else {
    expect(superseded).toEqual([])
  }
  if (c.next.includes('resume')) {
    expect(final.tasks.map((t) => t.status)).toEqual(Array(CHUNKS).fill('completed'))
    // chunks completed before the crash are not read again
    for (const done of tasksAtCrash.filter((t) => t.status === 'completed')) {
      expect(final.tasks.find((t) => t.index === done.index)!.attempts, `chunk ${done.index} read again`).toBe(done.attempts)
    }
  }
  if (c.mode === 'incremental') {
    expect(final.cursor, 'the cursor').toBeDefined()
    expect(await kit.isMaxCursor(table, final.cursor!.value), `cursor ${final.cursor!.value} is the source's max(updated_at)`).toBe(true)
  }

  // output: the rows the manifests declare are the source rows, each once
  const names = listDir(sc.out)
  const runManifests = names.filter(isRunManifest).map((n) => readManifest(sc.out, n))
  const latest = readManifest(sc.out, 'manifest.json')
  expect(JSON.parse(readFileSync(join(sc.out, '_SUCCESS'), 'utf8'))).toMatchObject({ run_id: latest.run_id })
  expect(latest.run_id, 'manifest.json describes the last completed run').toBe(final.runs.find((r) => r.status === 'completed')!.runId)
  const declared = readDeclaredRows(sc.out, c.mode === 'incremental' ? runManifests : [latest], header)
  const source = (await kit.rows(c.mode === 'incremental' ? kit.selectIncremental(table) : kit.selectRows(table))).map(rowSig)
  expect(source.length).toBe(c.mode === 'incremental' ? ROWS + 5 : ROWS)
  expect(multisetDiff(source, declared), 'rows lost / delivered a wrong number of times').toEqual({ lost: [], extra: [] })
  expect(declared).toHaveLength(source.length)

  // no orphan: every data file is listed in a run manifest; no temp file is left
  const listed = new Set(runManifests.flatMap((m) => m.files.map((f) => f.name)))
  expect(names.filter((n) => isDataFile(n) && !listed.has(n)), 'data files in no manifest').toEqual([])
  expect(names.filter((n) => n.startsWith('.')), 'temp files').toEqual([])
  expect(runManifests.map((m) => m.run_id).sort(), 'a manifest for each completed run').toEqual(final.runs.filter((r) => r.status === 'completed').map((r) => r.runId).sort())
}

function defineMatrix(kit: SourceKit, available: boolean, modes: readonly Mode[]): void {
  describe.skipIf(!available)(`crash matrix on ${kit.label} (spawned CLI, RIVET_TEST_PANIC_AT)`, () => {
    beforeAll(async () => {
      await kit.exec(kit.createRows(`cm_rows_${kit.type === 'postgres' ? 'pg' : 'my'}`))
    })
    for (const c of MATRIX.filter((m) => modes.includes(m.mode))) {
      const then = c.next.map((s) => (s === 'run' ? 'rivet run' : s === 'resume' ? 'rivet run --resume' : '--resume (nothing)')).join(', then ')
      it(`${c.mode} × ${c.point}: ${then} → output = source, no orphan, state settled`, () => runMatrixCase(kit, c), 90_000)
    }
  })
}

defineMatrix(PG, hasPg, ['full', 'incremental', 'chunked'])
defineMatrix(MARIADB, hasMysql, ['full', 'incremental', 'chunked'])

describe.skipIf(!hasPg)('a malformed RIVET_TEST_PANIC_AT', () => {
  beforeAll(async () => {
    await PG.exec(PG.createRows('cm_rows_pg'))
  })
  const cases = ['after_nowhere', 'after_chunk_file', `after_source_read:${MID}`, 'after_chunk_complete:x', 'AFTER_SOURCE_READ', 'after_file_write ']
  for (const value of cases) {
    it(`${JSON.stringify(value)}: exit 1, RIVET_USAGE, nothing written`, async () => {
      const sc = new Scenario(configYaml(PG, { mode: 'full' } as Case, 'cm_rows_pg'))
      const r = await sc.run([], { RIVET_TEST_PANIC_AT: value })
      expect(r.signal).toBeNull()
      expect(r.code, r.stderr).toBe(1)
      expect(r.stderr).toContain('[RIVET_USAGE]')
      expect(r.stderr).toContain('is not a crash point')
      expect(existsSync(sc.out), 'the output directory').toBe(false)
      const state = join(sc.dir, '.rivet_state.db')
      if (existsSync(state)) expect(sc.runs()).toEqual([])
    })
  }
})
