import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import xxhash from 'xxhash-addon'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalDestination, ObjectStoreDestination, type Destination, type RunManifest } from '../../../src/destination/index.js'
import { GcsStore } from '../../../src/destination/gcs/index.js'
import { S3Store } from '../../../src/destination/s3/index.js'
import { isRivetError } from '../../../src/errors/index.js'
import { tempDir } from '../../helpers/cli.js'
import { startGcsServer, type GcsTestServer } from '../../helpers/gcs-server.js'
import { startS3Server, type S3TestServer } from '../../helpers/s3-server.js'

/** One kind of destination under test: how to make one, and how to look at what it wrote. */
interface Harness {
  make(runId: string): Destination
  /** Bytes stored under `name` (relative to the destination's directory/prefix), or null. */
  read(name: string): Promise<Buffer | null>
  /** Every name stored under the directory/prefix, sorted. */
  list(): Promise<string[]>
}

const MiB = 1024 * 1024
const xxh3 = (b: Buffer) => xxhash.XXHash3.hash(b).toString('hex')
let s3: S3TestServer
let gcs: GcsTestServer
let localDir: string
let counter = 0

beforeAll(async () => {
  s3 = await startS3Server(['contract'])
  gcs = await startGcsServer(['contract'])
  localDir = tempDir('rivet-contract-')
})
afterAll(async () => {
  await s3?.close()
  await gcs?.close()
  if (localDir) rmSync(localDir, { recursive: true, force: true })
})

function localHarness(): Harness {
  const dir = join(localDir, `d${++counter}`)
  const list = () => (existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1)).sort() : [])
  return {
    make: (runId) => new LocalDestination({ dir, runId }),
    read: async (name) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name)) : null),
    list: async () => list(),
  }
}

function s3Harness(): Harness {
  const prefix = `p${++counter}/{export}`
  const store = () => new S3Store({ bucket: 'contract', region: null, endpoint: s3.endpoint, profile: null, envCredentials: null, partSizeBytes: 5 * MiB })
  const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } })
  const real = `p${counter}/t/`
  process.env.AWS_ACCESS_KEY_ID = s3.accessKeyId
  process.env.AWS_SECRET_ACCESS_KEY = s3.secretAccessKey
  return {
    make: (runId) => new ObjectStoreDestination({ store: store(), prefix: prefix.replace('{export}', 't'), runId }),
    read: async (name) => {
      const reader = store()
      try {
        return await reader.read(real + name)
      } finally {
        await reader.close()
      }
    },
    list: async () => {
      const out = await client.send(new ListObjectsV2Command({ Bucket: 'contract', Prefix: real }))
      return (out.Contents ?? []).map((o) => o.Key!.slice(real.length)).sort()
    },
  }
}

function gcsHarness(): Harness {
  const real = `g${++counter}/`
  return {
    make: (runId) => new ObjectStoreDestination({ store: new GcsStore({ bucket: 'contract', credentialsFile: null, endpoint: gcs.endpoint, partSizeBytes: 256 * 1024 }), prefix: real, runId }),
    read: async (name) => gcs.objects.get(`contract/${real}${name}`) ?? null,
    list: async () => [...gcs.objects.keys()].filter((k) => k.startsWith(`contract/${real}`)).map((k) => k.slice(`contract/${real}`.length)).sort(),
  }
}

function manifestFor(runId: string, files: { name: string; body: Buffer }[]): RunManifest {
  return {
    manifest_version: 1, export: 't', run_id: runId, mode: 'full', format: 'csv', compression: 'none', started_at: '2026-11-25T00:00:00.000Z', finished_at: '2026-11-25T00:01:00.000Z',
    rivet_version: 'test', rows: 0, bytes: files.reduce((n, f) => n + f.body.length, 0), checksum: 'xxh3-64',
    files: files.map((f) => ({ name: f.name, rows: 0, bytes: f.body.length, xxh3: xxh3(f.body) })), schema: { columns: [] },
  }
}

/** A destination of the harness, prepared as the engine prepares it before writing. */
async function ready(h: Harness, runId: string): Promise<Destination> {
  const dest = h.make(runId)
  await dest.prepare()
  return dest
}

async function writeFile(dest: Destination, name: string, body: Buffer, piece = MiB) {
  const sink = dest.openSink(name)
  for (let at = 0; at < body.length; at += piece) await sink.write(body.subarray(at, at + piece))
  return { sink, closed: await sink.close() }
}

const harnesses: [string, () => Harness][] = [['local', localHarness], ['s3', s3Harness], ['gcs', gcsHarness]]

describe.each(harnesses)('destination contract: %s', (_kind, makeHarness) => {
  it('publishes multi-part files, then the manifests, then _SUCCESS, with matching checksums', async () => {
    const h = makeHarness()
    const dest = await ready(h, 'run-a')
    const big = randomBytes(12 * MiB + 12345)
    const small = Buffer.from('id,name\n1,a\n')
    const a = await writeFile(dest, 'big.csv', big)
    const b = await writeFile(dest, 'small.csv', small)
    expect(a.closed.bytes).toBe(big.length)
    expect(a.closed.xxh3).toBe(xxh3(big))
    const committed = await dest.commit([a.sink, b.sink])
    expect(committed.map((c) => c.fileName)).toEqual(['big.csv', 'small.csv'])
    expect(await h.list()).toEqual(['big.csv', 'small.csv'])
    const manifest = manifestFor('run-a', [{ name: 'big.csv', body: big }, { name: 'small.csv', body: small }])
    await dest.seal(manifest)
    expect((await h.read('big.csv'))!.equals(big)).toBe(true)
    expect((await h.read('small.csv'))!.equals(small)).toBe(true)
    const stored = JSON.parse((await h.read('manifest.json'))!.toString('utf8')) as RunManifest
    expect(stored.files.map((f) => [f.name, f.bytes, f.xxh3])).toEqual([['big.csv', big.length, xxh3(big)], ['small.csv', small.length, xxh3(small)]])
    expect((await h.read('manifest-run-a.json'))!.equals((await h.read('manifest.json'))!)).toBe(true)
    expect(JSON.parse((await h.read('_SUCCESS'))!.toString('utf8'))).toMatchObject({ run_id: 'run-a', manifest: 'manifest-run-a.json' })
    expect(await h.list()).toEqual(['_SUCCESS', 'big.csv', 'manifest-run-a.json', 'manifest.json', 'small.csv'])
  }, 60_000)

  it('abort removes what the run wrote and did not commit, and keeps what it committed', async () => {
    const h = makeHarness()
    const dest = await ready(h, 'run-b')
    const kept = await writeFile(dest, 'kept.csv', randomBytes(1000))
    await dest.commit([kept.sink])
    await writeFile(dest, 'closed.csv', randomBytes(6 * MiB))
    const open = dest.openSink('open.csv')
    await open.write(randomBytes(6 * MiB))
    await dest.abort()
    expect(await h.list()).toEqual(['kept.csv'])
  }, 60_000)

  it('never replaces an existing file, and leaves the existing one intact', async () => {
    const h = makeHarness()
    const first = await ready(h, 'run-c1')
    const original = randomBytes(2000)
    const f = await writeFile(first, 'same.csv', original)
    await first.commit([f.sink])
    const second = await ready(h, 'run-c2')
    const err = await writeFile(second, 'same.csv', randomBytes(3000)).then(async ({ sink }) => second.commit([sink])).catch((e: unknown) => e)
    expect(isRivetError(err) && err.code).toBe('RIVET_OUTPUT_CONFLICT')
    await second.abort()
    expect((await h.read('same.csv'))!.equals(original)).toBe(true)
  }, 60_000)

  it('discard lets a retried chunk write the same names again', async () => {
    const h = makeHarness()
    const dest = await ready(h, 'run-d')
    const first = await writeFile(dest, 'chunk.csv', randomBytes(500))
    await dest.discard([first.sink])
    expect(await h.list()).toEqual([])
    const body = randomBytes(700)
    const again = await writeFile(dest, 'chunk.csv', body)
    await dest.commit([again.sink])
    expect((await h.read('chunk.csv'))!.equals(body)).toBe(true)
  }, 60_000)

  it('removeUnrecorded deletes only the names it is given', async () => {
    const h = makeHarness()
    const dest = await ready(h, 'run-e')
    const x = await writeFile(dest, 'x.csv', randomBytes(10))
    const y = await writeFile(dest, 'y.csv', randomBytes(10))
    await dest.commit([x.sink, y.sink])
    expect(await (await ready(h, 'run-e')).removeUnrecorded(['x.csv', 'missing.csv'])).toEqual(['x.csv'])
    expect(await h.list()).toEqual(['y.csv'])
  }, 60_000)

  it('probe writes, reads back and removes an object under .rivet-doctor/', async () => {
    const h = makeHarness()
    const report = await (await ready(h, 'run-f')).probe()
    expect(report.steps.length).toBe(3)
    expect(report.steps[0]).toContain('.rivet-doctor/')
    expect(await h.list()).toEqual([])
  }, 60_000)

  it('refuses to seal a run whose immutable manifest already exists', async () => {
    const h = makeHarness()
    await (await ready(h, 'run-g')).seal(manifestFor('run-g', []))
    const err = await (await ready(h, 'run-g')).seal(manifestFor('run-g', [])).catch((e: unknown) => e)
    expect(isRivetError(err) && err.code).toBe('RIVET_OUTPUT_CONFLICT')
  }, 60_000)
})
