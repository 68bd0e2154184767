import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultStatePath, openStateStore } from '../../src/state/index.js'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'
import { MYSQL_URL, PG_URL, mysqlAvailable, pgAvailable, withPg } from '../helpers/db.js'
import { startGcsServer } from '../helpers/gcs-server.js'
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js'

const hasPg = await pgAvailable()
const hasMysql = await mysqlAvailable()

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function testDir(): string {
  const dir = tempDir('rivet-verify-e2e-')
  dirs.push(dir)
  return dir
}

interface ValidateJson {
  problems: number
  runs: { export: string; run_id: string; files: number; files_read: number; latest: boolean; problems: { kind: string; file: string | null; message: string }[] }[]
}
interface ChunkJson { index: number; lo: string | null; hi: string | null; source_rows: number; written_rows: number; run_id: string; status: string }
interface ReconcileJson {
  run_id: string
  repair_run_ids: string[]
  mismatches: number
  chunks: ChunkJson[] | null
  whole: { source_rows: number; written_rows: number; status: string } | null
}
interface RepairJson {
  action: string
  chunks: { index: number; expected_rows: number; written_rows: number }[]
  executed: boolean
  repair_run_id: string | null
  after: ReconcileJson | null
}

/** Spawn a command with --json and --json-errors: exit code, parsed report, error code. */
async function cli<T>(args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<{ code: number | null; out: T; error: string | null; stderr: string }> {
  const r = await runCli([...args, '--json', '--json-errors'], { cwd, env })
  const error = r.code === 0 ? null : errorCode(r.stderr)
  return { code: r.code, out: (r.stdout === '' ? null : JSON.parse(r.stdout)) as T, error, stderr: r.stderr }
}

/** The code of the JSON error on the last line of stderr (what --json-errors prints). */
function errorCode(stderr: string): string {
  const last = stderr.trim().split('\n').at(-1) ?? ''
  try {
    return (JSON.parse(last) as { error: { code: string } }).error.code
  } catch {
    throw new Error(`no JSON error on stderr:\n${stderr}`)
  }
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')
const dataFiles = (dir: string) => readdirSync(dir).filter((f) => !f.startsWith('manifest') && f !== '_SUCCESS').sort()
const kinds = (report: ValidateJson) => report.runs.flatMap((r) => r.problems.map((p) => `${r.export} ${p.kind} ${p.file}`))

describe.skipIf(!hasPg)('rivet validate (spawned CLI, local files, PostgreSQL source)', () => {
  let dir: string
  let cfg: string
  const parts = () => join(dir, 'out', 'parts')
  const lines = () => join(dir, 'out', 'lines')

  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query('drop table if exists vfy_e2e_val')
      await c.query(`create table vfy_e2e_val (id int primary key, label text)`)
      await c.query(`insert into vfy_e2e_val select g, 'row ' || g || case when g % 5 = 0 then E'\\n"quoted", too' else '' end from generate_series(1, 4000) g`)
    })
    dir = testDir()
    cfg = writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n` +
      `  - { name: parts, table: vfy_e2e_val, mode: chunked, chunk_column: id, chunk_size: 1000, chunk_checkpoint: true, parallel: 2, format: parquet, destination: { type: local, path: "./out/{export}" } }\n` +
      `  - { name: lines, table: vfy_e2e_val, format: csv, compression: gzip, destination: { type: local, path: "./out/{export}" } }\n`)
    const r = await runCli(['run', '-c', cfg, '-q'], { cwd: dir })
    expect(r.code, r.stderr).toBe(0)
    expect(dataFiles(parts())).toHaveLength(4)
  })

  /** Change a file for one test, and put the original bytes back afterwards. */
  async function tampered(file: string, change: (bytes: Buffer) => Buffer | null, check: () => Promise<void>): Promise<void> {
    const original = readFileSync(file)
    const changed = change(Buffer.from(original))
    if (changed === null) renameSync(file, `${file}.aside`)
    else writeFileSync(file, changed)
    try {
      await check()
    } finally {
      if (changed === null) renameSync(`${file}.aside`, file)
      else writeFileSync(file, original)
    }
  }

  it('passes a clean run at every depth, reading no file, a sample, then every file', async () => {
    const read: Record<string, number[]> = {}
    for (const depth of ['light', 'sample', 'full']) {
      const r = await cli<ValidateJson>(['validate', '-c', cfg, '--depth', depth], dir)
      expect(r.code, r.stderr).toBe(0)
      expect(r.out.problems).toBe(0)
      expect(r.out.runs.map((run) => [run.export, run.files, run.latest])).toEqual([['parts', 4, true], ['lines', 1, true]])
      read[depth] = r.out.runs.map((run) => run.files_read)
    }
    expect(read).toEqual({ light: [0, 0], sample: [2, 1], full: [4, 1] })
  })

  it('a flipped byte keeps the size: light passes, sample and full name the checksum', async () => {
    const first = dataFiles(parts())[0]!
    await tampered(join(parts(), first), (b) => {
      b[Math.floor(b.length / 2)]! ^= 0xff
      return b
    }, async () => {
      const light = await cli<ValidateJson>(['validate', '-c', cfg, '-e', 'parts'], dir)
      expect(light.code, light.stderr).toBe(0)
      for (const depth of ['sample', 'full']) {
        const r = await cli<ValidateJson>(['validate', '-c', cfg, '-e', 'parts', '--depth', depth], dir)
        expect(r.code, r.stderr).toBe(3)
        expect(r.error).toBe('RIVET_VALIDATE_MISMATCH')
        expect(kinds(r.out)).toContain(`parts checksum_mismatch ${first}`)
      }
    })
  })

  it('a truncated file is a size mismatch', async () => {
    const file = dataFiles(lines())[0]!
    await tampered(join(lines(), file), (b) => b.subarray(0, b.length - 20), async () => {
      const r = await cli<ValidateJson>(['validate', '-c', cfg], dir)
      expect(r.code, r.stderr).toBe(3)
      expect(kinds(r.out)).toEqual([`lines size_mismatch ${file}`])
    })
  })

  it('a deleted file is missing', async () => {
    const file = dataFiles(parts())[2]!
    await tampered(join(parts(), file), () => null, async () => {
      const r = await cli<ValidateJson>(['validate', '-c', cfg, '-e', 'parts'], dir)
      expect(r.code, r.stderr).toBe(3)
      expect(kinds(r.out)).toEqual([`parts file_missing ${file}`])
    })
  })

  it('an edited manifest disagrees with the state: changed rows, a file left out', async () => {
    const name = readdirSync(parts()).find((f) => /^manifest-.+\.json$/.test(f))!
    await tampered(join(parts(), name), (b) => {
      const m = JSON.parse(b.toString('utf8')) as { rows: number; files: { name: string; rows: number }[] }
      m.files[0]!.rows += 1
      m.rows += 1
      return Buffer.from(JSON.stringify(m))
    }, async () => {
      const r = await cli<ValidateJson>(['validate', '-c', cfg, '-e', 'parts'], dir)
      expect(r.code, r.stderr).toBe(3)
      expect(kinds(r.out)).toEqual([`parts state_mismatch ${dataFiles(parts())[0]}`])
      expect(r.out.runs[0]!.problems[0]!.message).toMatch(/rows \d+ in the manifest, \d+ in the state/)
    })
    await tampered(join(parts(), name), (b) => {
      const m = JSON.parse(b.toString('utf8')) as { files: unknown[] }
      m.files.pop()
      return Buffer.from(JSON.stringify(m))
    }, async () => {
      const r = await cli<ValidateJson>(['validate', '-c', cfg, '-e', 'parts'], dir)
      expect(r.code, r.stderr).toBe(3)
      expect(kinds(r.out)).toEqual(['parts manifest_mismatch null', 'parts manifest_mismatch null', `parts not_in_manifest ${dataFiles(parts()).at(-1)}`])
    })
  })

  it('a _SUCCESS that names another run, and a missing manifest, are named', async () => {
    await tampered(join(lines(), '_SUCCESS'), () => Buffer.from('{"run_id":"someone-else"}\n'), async () => {
      const r = await cli<ValidateJson>(['validate', '-c', cfg, '-e', 'lines'], dir)
      expect(r.code, r.stderr).toBe(3)
      expect(kinds(r.out)).toEqual(['lines success_mismatch _SUCCESS'])
    })
    const name = readdirSync(lines()).find((f) => /^manifest-.+\.json$/.test(f))!
    await tampered(join(lines(), name), () => null, async () => {
      const r = await cli<ValidateJson>(['validate', '-c', cfg, '-e', 'lines'], dir)
      expect(r.code, r.stderr).toBe(3)
      expect(kinds(r.out)).toEqual([`lines manifest_missing ${name}`])
    })
  })

  it('refuses an unknown depth and an unknown run (exit 1)', async () => {
    expect((await cli(['validate', '-c', cfg, '--depth', 'deep'], dir)).error).toBe('RIVET_USAGE')
    const r = await cli(['validate', '-c', cfg, '-e', 'parts', '--run-id', 'nope'], dir)
    expect(r.code, r.stderr).toBe(1)
    expect(r.error).toBe('RIVET_RUN_NOT_FOUND')
  })
})

describe.skipIf(!hasPg)('rivet reconcile and rivet repair (spawned CLI, PostgreSQL)', () => {
  let dir: string
  let cfg: string
  const out = () => join(dir, 'out', 'chunks')
  let originalRun: string

  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query('drop table if exists vfy_e2e_rec, vfy_e2e_whole')
      // keys 10, 20, ..., 40000 in four chunks (chunk_count: 4 cuts steps of 9,998 key values): 1,000 rows each
      await c.query('create table vfy_e2e_rec as select g * 10 as id, md5(g::text) as v from generate_series(1, 4000) g')
      await c.query('alter table vfy_e2e_rec add primary key (id)')
      await c.query('create table vfy_e2e_whole as select g as id, md5(g::text) as v from generate_series(1, 500) g')
    })
    dir = testDir()
    cfg = writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n` +
      `  - { name: chunks, table: vfy_e2e_rec, mode: chunked, chunk_column: id, chunk_count: 4, chunk_checkpoint: true, parallel: 2, format: parquet, destination: { type: local, path: "./out/{export}" } }\n` +
      `  - { name: whole, table: vfy_e2e_whole, format: csv, compression: none, destination: { type: local, path: "./out/{export}" } }\n`)
    const r = await runCli(['run', '-c', cfg, '-q'], { cwd: dir })
    expect(r.code, r.stderr).toBe(0)
  })

  it('matches every chunk of a fresh run, and the whole of a full export', async () => {
    const r = await cli<ReconcileJson>(['reconcile', '-c', cfg, '-e', 'chunks'], dir)
    expect(r.code, r.stderr).toBe(0)
    expect(r.out.chunks!.map((c) => [c.index, c.lo, c.hi, c.source_rows, c.written_rows, c.status])).toEqual([
      [0, null, '10008', 1000, 1000, 'ok'], [1, '10008', '20006', 1000, 1000, 'ok'], [2, '20006', '30004', 1000, 1000, 'ok'], [3, '30004', null, 1000, 1000, 'ok'],
    ])
    originalRun = r.out.run_id
    const whole = await cli<ReconcileJson>(['reconcile', '-c', cfg, '-e', 'whole'], dir)
    expect(whole.code, whole.stderr).toBe(0)
    expect(whole.out.whole).toEqual({ source_rows: 500, written_rows: 500, status: 'ok', run_ids: [whole.out.run_id], extra_allowed: false })
  })

  it('names only the chunk whose range gained rows in the source', async () => {
    await withPg((c) => c.query("insert into vfy_e2e_rec values (15005, 'late'), (15006, 'late')"))
    const r = await cli<ReconcileJson>(['reconcile', '-c', cfg, '-e', 'chunks'], dir)
    expect(r.code, r.stderr).toBe(3)
    expect(r.error).toBe('RIVET_RECONCILE_MISMATCH')
    expect(r.out.chunks!.filter((c) => c.status !== 'ok').map((c) => [c.index, c.source_rows, c.written_rows, c.status])).toEqual([[1, 1002, 1000, 'missing_rows']])
    const text = await runCli(['reconcile', '-c', cfg, '-e', 'chunks'], { cwd: dir })
    expect(text.stdout).toMatch(/^1\s+10008 \.\. 20006\s+1,002\s+1,000\s+missing rows$/m)
    expect(text.stdout).toContain('4 chunk(s): 3 ok, 1 mismatched')
  })

  it('repair without --execute lists the chunk and writes nothing', async () => {
    const before = readdirSync(out()).sort()
    const runsBefore = countRuns(cfg)
    const r = await cli<RepairJson>(['repair', '-c', cfg, '-e', 'chunks'], dir)
    expect(r.code, r.stderr).toBe(3)
    expect(r.out).toMatchObject({ action: 'chunks', executed: false, repair_run_id: null, chunks: [{ index: 1, expected_rows: 1002, written_rows: 1000 }] })
    expect(readdirSync(out()).sort()).toEqual(before)
    expect(countRuns(cfg)).toBe(runsBefore)
  })

  it('repair --execute writes a new run for that chunk only, beside the untouched old files', async () => {
    const oldFiles = readdirSync(out()).filter((f) => f !== '_SUCCESS' && f !== 'manifest.json')
    const hashes = new Map(oldFiles.map((f) => [f, sha(join(out(), f))]))
    const r = await cli<RepairJson>(['repair', '-c', cfg, '-e', 'chunks', '--execute'], dir)
    expect(r.code, r.stderr).toBe(0)
    const repairRun = r.out.repair_run_id!
    expect(r.out.after!.mismatches).toBe(0)
    for (const [f, h] of hashes) expect(sha(join(out(), f)), f).toBe(h)
    const added = readdirSync(out()).filter((f) => !hashes.has(f) && f !== '_SUCCESS' && f !== 'manifest.json').sort()
    expect(added).toHaveLength(2)
    expect(added[0]).toMatch(/^chunks_\d{8}T\d{6}Z-[0-9a-f]{8}_chunk00001\.parquet$/)
    expect(added[1]).toBe(`manifest-${repairRun}.json`)
    type Manifest = { run_id: string; rows: number; repair_of?: string; files: { name: string; chunk: number; rows: number; run_id?: string }[] }
    const manifest = JSON.parse(readFileSync(join(out(), added[1]!), 'utf8')) as Manifest
    const original = JSON.parse(readFileSync(join(out(), `manifest-${originalRun}.json`), 'utf8')) as Manifest
    // the repair run's manifest is the whole export: its file for chunk 1, the original's for the others
    expect(manifest.repair_of).toBe(originalRun)
    const byChunk = [...manifest.files].sort((a, b) => a.chunk - b.chunk)
    expect(byChunk.map((f) => [f.chunk, f.run_id ?? manifest.run_id])).toEqual([[0, originalRun], [1, repairRun], [2, originalRun], [3, originalRun]])
    expect(byChunk[1]).toMatchObject({ name: added[0], rows: 1002 })
    for (const f of byChunk.filter((f) => f.chunk !== 1)) expect(original.files).toContainEqual({ name: f.name, chunk: f.chunk, rows: f.rows, bytes: expect.any(Number), xxh3: expect.any(String) })
    expect(manifest.rows).toBe(original.rows + 2)
    expect(readFileSync(join(out(), 'manifest.json'), 'utf8')).toBe(readFileSync(join(out(), added[1]!), 'utf8'))
    expect(JSON.parse(readFileSync(join(out(), '_SUCCESS'), 'utf8'))).toMatchObject({ run_id: repairRun })
  })

  it('reconcile then judges the repaired chunk by the repair run, also when asked about the repair run', async () => {
    for (const extra of [[], ['--run-id', originalRun]]) {
      const r = await cli<ReconcileJson>(['reconcile', '-c', cfg, '-e', 'chunks', ...extra], dir)
      expect(r.code, r.stderr).toBe(0)
      expect(r.out.run_id).toBe(originalRun)
      expect(r.out.repair_run_ids).toHaveLength(1)
      expect(r.out.chunks!.map((c) => c.run_id === originalRun)).toEqual([true, false, true, true])
      const viaRepair = await cli<ReconcileJson>(['reconcile', '-c', cfg, '-e', 'chunks', '--run-id', r.out.repair_run_ids[0]!], dir)
      expect(viaRepair.out.run_id).toBe(originalRun)
    }
    const nothing = await cli<RepairJson>(['repair', '-c', cfg, '-e', 'chunks'], dir)
    expect(nothing.code, nothing.stderr).toBe(0)
    expect(nothing.out.action).toBe('nothing')
  })

  it('validates the original and the repair run at full depth', async () => {
    const r = await cli<ValidateJson>(['validate', '-c', cfg, '-e', 'chunks', '--all-runs', '--depth', 'full'], dir)
    expect(r.code, r.stderr).toBe(0)
    expect(r.out.runs.map((run) => [run.files, run.latest])).toEqual([[4, true], [4, false]])
  })

  it('refuses to count chunks the export would now cut differently', async () => {
    const changed = writeConfig(dir, readFileSync(cfg, 'utf8').replace('chunk_count: 4', 'chunk_count: 5'), 'changed.yaml')
    for (const command of ['reconcile', 'repair']) {
      const r = await cli([command, '-c', changed, '-e', 'chunks'], dir)
      expect(r.code, r.stderr).toBe(1)
      expect(r.error).toBe('RIVET_VERIFY_PLAN_CHANGED')
    }
  })

  it('repairs a full export by running it again', async () => {
    await withPg((c) => c.query("insert into vfy_e2e_whole values (501, 'late')"))
    const dry = await cli<RepairJson & { reason: string }>(['repair', '-c', cfg, '-e', 'whole'], dir)
    expect(dry.code, dry.stderr).toBe(3)
    expect(dry.out.action).toBe('rerun')
    expect(dry.out.reason).toContain('rivet run -c')
    const run = await cli<RepairJson>(['repair', '-c', cfg, '-e', 'whole', '--execute'], dir)
    expect(run.code, run.stderr).toBe(0)
    expect(run.out.after!.whole).toMatchObject({ source_rows: 501, written_rows: 501, status: 'ok' })
    expect(run.out.after!.run_id).toBe(run.out.repair_run_id)
  })
})

function countRuns(config: string): number {
  const state = openStateStore(defaultStatePath(config))
  try {
    return state.listRuns().length
  } finally {
    state.close()
  }
}

describe.skipIf(!hasMysql)('rivet reconcile and rivet repair (spawned CLI, MariaDB)', () => {
  let dir: string
  let cfg: string

  async function mysqlQuery(sql: string): Promise<void> {
    const { default: mysql } = await import('mysql2/promise')
    const conn = await mysql.createConnection(MYSQL_URL)
    try {
      await conn.query(sql)
    } finally {
      await conn.end()
    }
  }

  beforeAll(async () => {
    await mysqlQuery('drop table if exists vfy_e2e_my')
    await mysqlQuery('create table vfy_e2e_my (id int primary key, v varchar(40))')
    await mysqlQuery('insert into vfy_e2e_my select seq * 10, md5(seq) from seq_1_to_3000')
    dir = testDir()
    cfg = writeConfig(dir, `source:\n  type: mysql\n  url: ${MYSQL_URL}\nexports:\n` +
      `  - { name: my, table: vfy_e2e_my, mode: chunked, chunk_column: id, chunk_count: 3, chunk_checkpoint: true, parallel: 2, format: csv, compression: zstd, destination: { type: local, path: "./out/{export}" } }\n`)
    const r = await runCli(['run', '-c', cfg, '-q'], { cwd: dir })
    expect(r.code, r.stderr).toBe(0)
  })

  it('matches, then names the chunk whose rows were deleted in the source, and repairs it', async () => {
    const clean = await cli<ReconcileJson>(['reconcile', '-c', cfg, '-e', 'my'], dir)
    expect(clean.code, clean.stderr).toBe(0)
    expect(clean.out.chunks!.map((c) => c.source_rows)).toEqual([1000, 1000, 1000])
    const valid = await cli<ValidateJson>(['validate', '-c', cfg, '--depth', 'full'], dir)
    expect(valid.code, valid.stderr).toBe(0)
    await mysqlQuery('delete from vfy_e2e_my where id between 20010 and 20100')
    const r = await cli<ReconcileJson>(['reconcile', '-c', cfg, '-e', 'my'], dir)
    expect(r.code, r.stderr).toBe(3)
    expect(r.out.chunks!.filter((c) => c.status !== 'ok').map((c) => [c.index, c.source_rows, c.written_rows, c.status])).toEqual([[2, 990, 1000, 'extra_rows']])
    const repair = await cli<RepairJson>(['repair', '-c', cfg, '-e', 'my', '--execute'], dir)
    expect(repair.code, repair.stderr).toBe(0)
    expect(repair.out.chunks.map((c) => c.index)).toEqual([2])
    expect(repair.out.after!.chunks!.map((c) => [c.index, c.written_rows, c.status])).toEqual([[0, 1000, 'ok'], [1, 1000, 'ok'], [2, 990, 'ok']])
    const all = await cli<ValidateJson>(['validate', '-c', cfg, '--all-runs', '--depth', 'full'], dir)
    expect(all.code, all.stderr).toBe(0)
    expect(all.out.runs).toHaveLength(2)
  })
})

describe.skipIf(!hasPg)('rivet validate against S3 and GCS (s3rver and a fake GCS server, spawned CLI)', () => {
  let s3: S3TestServer
  let client: S3Client
  beforeAll(async () => {
    s3 = await startS3Server(['vfy'])
    client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } })
    await withPg(async (c) => {
      await c.query('drop table if exists vfy_e2e_s3')
      await c.query(`create table vfy_e2e_s3 as select g as id, md5(g::text) || case when g % 9 = 0 then E'\\n' else '' end as v from generate_series(1, 3000) g`)
    })
  })
  afterAll(async () => {
    client?.destroy()
    await s3?.close()
  })

  it('checks stored objects: clean at full depth, a flipped byte at sample depth, a deleted object at light depth', async () => {
    const dir = testDir()
    const cfg = writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n` +
      `  - { name: objs, table: vfy_e2e_s3, format: csv, compression: lz4, destination: { type: s3, bucket: vfy, prefix: "x/{export}", endpoint: "${s3.endpoint}", access_key_env: VFY_KEY, secret_key_env: VFY_SECRET } }\n` +
      `  - { name: pq, table: vfy_e2e_s3, format: parquet, destination: { type: s3, bucket: vfy, prefix: "x/{export}", endpoint: "${s3.endpoint}", access_key_env: VFY_KEY, secret_key_env: VFY_SECRET } }\n`)
    const env = { VFY_KEY: s3.accessKeyId, VFY_SECRET: s3.secretAccessKey }
    const run = await runCli(['run', '-c', cfg, '-q'], { cwd: dir, env })
    expect(run.code, run.stderr).toBe(0)
    const clean = await cli<ValidateJson>(['validate', '-c', cfg, '--depth', 'full'], dir, env)
    expect(clean.code, clean.stderr).toBe(0)
    expect(clean.out.runs.map((r) => [r.export, r.files, r.files_read, r.latest])).toEqual([['objs', 1, 1, true], ['pq', 1, 1, true]])
    const manifest = JSON.parse(await (await client.send(new GetObjectCommand({ Bucket: 'vfy', Key: 'x/objs/manifest.json' }))).Body!.transformToString()) as { files: { name: string }[] }
    const key = `x/objs/${manifest.files[0]!.name}`
    const bytes = Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: 'vfy', Key: key }))).Body!.transformToByteArray())
    const flipped = Buffer.from(bytes)
    flipped[flipped.length - 10]! ^= 0x01
    await client.send(new PutObjectCommand({ Bucket: 'vfy', Key: key, Body: flipped }))
    const unchanged = await cli<ValidateJson>(['validate', '-c', cfg, '-e', 'objs'], dir, env)
    expect(unchanged.code, unchanged.stderr).toBe(0)
    const sample = await cli<ValidateJson>(['validate', '-c', cfg, '-e', 'objs', '--depth', 'sample'], dir, env)
    expect(sample.code, sample.stderr).toBe(3)
    expect(kinds(sample.out)[0]).toBe(`objs checksum_mismatch ${manifest.files[0]!.name}`)
    await client.send(new DeleteObjectCommand({ Bucket: 'vfy', Key: key }))
    const light = await cli<ValidateJson>(['validate', '-c', cfg, '-e', 'objs'], dir, env)
    expect(light.code, light.stderr).toBe(3)
    expect(kinds(light.out)).toEqual([`objs file_missing ${manifest.files[0]!.name}`])
  })

  it('reads objects from GCS: clean at full depth, a flipped byte at sample depth', async () => {
    const gcs = await startGcsServer(['vfy'])
    try {
      const dir = testDir()
      const cfg = writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n` +
        `  - { name: gobjs, table: vfy_e2e_s3, format: csv, compression: gzip, destination: { type: gcs, bucket: vfy, prefix: "g/{export}", endpoint: "${gcs.endpoint}" } }\n`)
      const run = await runCli(['run', '-c', cfg, '-q'], { cwd: dir })
      expect(run.code, run.stderr).toBe(0)
      const clean = await cli<ValidateJson>(['validate', '-c', cfg, '--depth', 'full'], dir)
      expect(clean.code, clean.stderr).toBe(0)
      expect(clean.out.runs.map((r) => [r.files, r.files_read])).toEqual([[1, 1]])
      const [key, bytes] = [...gcs.objects].find(([k]) => k.endsWith('.csv.gz'))!
      bytes[bytes.length - 12]! ^= 0x01
      const flipped = await cli<ValidateJson>(['validate', '-c', cfg, '--depth', 'sample'], dir)
      expect(flipped.code, flipped.stderr).toBe(3)
      expect(kinds(flipped.out)).toContain(`gobjs checksum_mismatch ${key.split('/').pop()}`)
    } finally {
      await gcs.close()
    }
  })
})
