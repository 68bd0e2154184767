import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { GcsStore } from '../../src/destination/gcs/index.js'
import type { ObjectUpload } from '../../src/destination/object-store/types.js'
import { isRivetError } from '../../src/errors/index.js'
import { startGcsServer, type GcsTestServer } from '../helpers/gcs-server.js'

const BUCKET = 'rivet-test'
const CHUNK = 256 * 1024
const PARQUET = 'application/vnd.apache.parquet'

function storeFor(endpoint: string, bucket = BUCKET, partSizeBytes = CHUNK): GcsStore {
  return new GcsStore({ bucket, credentialsFile: null, endpoint, partSizeBytes })
}

/** The RivetError code a promise rejects with (fails the test if it resolves or rejects with something else). */
async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    if (isRivetError(err)) return err.code
    throw new Error(`expected a RivetError, got ${String(err)}`)
  }
  throw new Error('expected a rejection')
}

/** Write `body` in `step`-byte writes, then end; reject with the first failure. */
async function upload(target: ObjectUpload, body: Buffer, step = 64 * 1024): Promise<void> {
  for (let at = 0; at < body.length; at += step) await target.write(body.subarray(at, at + step))
  await target.end()
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('GcsStore against the loopback GCS server', () => {
  let server: GcsTestServer
  let store: GcsStore
  beforeAll(async () => {
    server = await startGcsServer([BUCKET])
    store = storeFor(server.endpoint)
  })
  afterAll(async () => {
    await store?.close()
    await server?.close()
  })

  it('names objects gs://bucket/key', () => {
    expect(store.scheme).toBe('gs')
    expect(store.bucket).toBe(BUCKET)
    expect(store.url('raw/orders/part-0.parquet')).toBe('gs://rivet-test/raw/orders/part-0.parquet')
  })

  it('streams a 1.5 MiB upload in 256 KiB chunks and reads it back byte for byte', async () => {
    const body = randomBytes(1536 * 1024 + 123)
    const putsBefore = server.chunkPuts
    const target = store.startUpload('big/data.parquet', { contentType: PARQUET, ifAbsent: true })
    // the caller reuses its buffer at once: the upload must have kept its own copy
    const scratch = Buffer.alloc(64 * 1024)
    for (let at = 0; at < body.length; at += scratch.length) {
      const n = body.copy(scratch, 0, at, at + scratch.length)
      await target.write(scratch.subarray(0, n))
      scratch.fill(0xee)
    }
    await target.end()
    expect(server.chunkPuts - putsBefore).toBeGreaterThanOrEqual(Math.ceil(body.length / CHUNK))
    expect(server.objects.get(`${BUCKET}/big/data.parquet`)?.equals(body)).toBe(true)
    expect(server.contentTypes.get(`${BUCKET}/big/data.parquet`)).toBe(PARQUET)
    const back = await store.read('big/data.parquet')
    expect(back?.equals(body)).toBe(true)
  }, 60_000)

  it('holds about one chunk per upload: writes wait while the server has not taken the bytes', async () => {
    const body = randomBytes(4 * 1024 * 1024)
    const target = store.startUpload('big/bounded.bin', { contentType: 'application/octet-stream', ifAbsent: false })
    const receivedBefore = server.bytesReceived
    let accepted = 0
    let maxAhead = 0
    const step = 32 * 1024
    for (let at = 0; at < body.length; at += step) {
      await target.write(body.subarray(at, at + step))
      accepted += Math.min(step, body.length - at)
      maxAhead = Math.max(maxAhead, accepted - (server.bytesReceived - receivedBefore))
    }
    await target.end()
    expect(server.objects.get(`${BUCKET}/big/bounded.bin`)?.equals(body)).toBe(true)
    // bytes accepted by write() but not yet persisted by the server: the chunk being sent and one write
    expect(maxAhead).toBeGreaterThan(CHUNK / 2)
    expect(maxAhead).toBeLessThanOrEqual(CHUNK + step)
  }, 60_000)

  it('rounds the part size up to a multiple of 256 KiB', async () => {
    const odd = storeFor(server.endpoint, BUCKET, 300 * 1024)
    const body = randomBytes(1024 * 1024)
    const putsBefore = server.chunkPuts
    await upload(odd.startUpload('big/odd.bin', { contentType: 'application/octet-stream', ifAbsent: false }), body)
    // 512 KiB chunks: two PUTs carry the megabyte
    expect(server.chunkPuts - putsBefore).toBe(2)
    expect(server.objects.get(`${BUCKET}/big/odd.bin`)?.equals(body)).toBe(true)
  }, 60_000)

  it('uploads an empty object', async () => {
    await upload(store.startUpload('empty/none.csv', { contentType: 'text/csv', ifAbsent: true }), Buffer.alloc(0))
    expect(server.objects.get(`${BUCKET}/empty/none.csv`)?.length).toBe(0)
    expect(await store.exists('empty/none.csv')).toBe(true)
  }, 60_000)

  it('puts, reads, checks and removes small objects', async () => {
    const body = Buffer.from('{"run_id":"r1"}\n')
    expect(await store.exists('small/manifest.json')).toBe(false)
    expect(await store.read('small/manifest.json')).toBeNull()
    await store.put('small/manifest.json', body, { contentType: 'application/json', ifAbsent: false })
    expect(await store.exists('small/manifest.json')).toBe(true)
    expect((await store.read('small/manifest.json'))?.toString('utf8')).toBe('{"run_id":"r1"}\n')
    expect(server.contentTypes.get(`${BUCKET}/small/manifest.json`)).toBe('application/json')
    // an unconditional put replaces
    await store.put('small/manifest.json', Buffer.from('{"run_id":"r2"}\n'), { contentType: 'application/json', ifAbsent: false })
    expect((await store.read('small/manifest.json'))?.toString('utf8')).toBe('{"run_id":"r2"}\n')
    await store.remove('small/manifest.json')
    expect(await store.exists('small/manifest.json')).toBe(false)
    expect(server.objects.has(`${BUCKET}/small/manifest.json`)).toBe(false)
    // removing what is not there is fine
    await expect(store.remove('small/manifest.json')).resolves.toBeUndefined()
  }, 60_000)

  it('puts an empty object and a binary one', async () => {
    await store.put('small/_SUCCESS', new Uint8Array(0), { contentType: 'application/json', ifAbsent: true })
    expect(server.objects.get(`${BUCKET}/small/_SUCCESS`)?.length).toBe(0)
    const bytes = randomBytes(70_000)
    await store.put('small/blob.bin', bytes, { contentType: 'application/octet-stream', ifAbsent: true })
    expect((await store.read('small/blob.bin'))?.equals(bytes)).toBe(true)
  }, 60_000)

  it('refuses an ifAbsent put over an existing object with RIVET_OUTPUT_CONFLICT and keeps the object', async () => {
    await store.put('conflict/put.json', Buffer.from('first'), { contentType: 'application/json', ifAbsent: true })
    const err = await store.put('conflict/put.json', Buffer.from('second'), { contentType: 'application/json', ifAbsent: true }).catch((e: unknown) => e)
    expect(isRivetError(err) && err.code).toBe('RIVET_OUTPUT_CONFLICT')
    expect(isRivetError(err) && err.message).toContain('gs://rivet-test/conflict/put.json')
    expect(server.objects.get(`${BUCKET}/conflict/put.json`)?.toString()).toBe('first')
  }, 60_000)

  it('refuses an ifAbsent streaming upload over an existing object with RIVET_OUTPUT_CONFLICT', async () => {
    await store.put('conflict/stream.parquet', Buffer.from('first'), { contentType: PARQUET, ifAbsent: false })
    const target = store.startUpload('conflict/stream.parquet', { contentType: PARQUET, ifAbsent: true })
    expect(await rejectionCode(upload(target, randomBytes(600 * 1024)))).toBe('RIVET_OUTPUT_CONFLICT')
    expect(server.objects.get(`${BUCKET}/conflict/stream.parquet`)?.toString()).toBe('first')
  }, 60_000)

  it('refuses to complete an ifAbsent upload when the object appeared while it ran', async () => {
    const target = store.startUpload('conflict/late.parquet', { contentType: PARQUET, ifAbsent: true })
    const body = randomBytes(700 * 1024)
    await target.write(body.subarray(0, 400 * 1024))
    await until(() => server.chunkPuts > 0 && server.sessionsCreated > 0)
    await store.put('conflict/late.parquet', Buffer.from('winner'), { contentType: PARQUET, ifAbsent: true })
    const rest = (async () => {
      await target.write(body.subarray(400 * 1024))
      await target.end()
    })()
    expect(await rejectionCode(rest)).toBe('RIVET_OUTPUT_CONFLICT')
    expect(server.objects.get(`${BUCKET}/conflict/late.parquet`)?.toString()).toBe('winner')
  }, 60_000)

  it('reports an unknown bucket as RIVET_DEST_INVALID', async () => {
    const missing = storeFor(server.endpoint, 'no-such-bucket')
    expect(await rejectionCode(upload(missing.startUpload('a.parquet', { contentType: PARQUET, ifAbsent: true }), randomBytes(1000)))).toBe('RIVET_DEST_INVALID')
    expect(await rejectionCode(upload(missing.startUpload('a.parquet', { contentType: PARQUET, ifAbsent: false }), randomBytes(1000)))).toBe('RIVET_DEST_INVALID')
    expect(await rejectionCode(missing.put('a.json', Buffer.from('{}'), { contentType: 'application/json', ifAbsent: true }))).toBe('RIVET_DEST_INVALID')
    expect(await rejectionCode(missing.put('a.json', Buffer.from('{}'), { contentType: 'application/json', ifAbsent: false }))).toBe('RIVET_DEST_INVALID')
    expect(await rejectionCode(missing.exists('a.json'))).toBe('RIVET_DEST_INVALID')
    expect(await rejectionCode(missing.read('a.json'))).toBe('RIVET_DEST_INVALID')
  }, 60_000)

  it('reports a refused credential (403) as RIVET_DEST_AUTH with a hint about roles', async () => {
    server.failNext(403, 1)
    const err = await store.put('auth/x.json', Buffer.from('{}'), { contentType: 'application/json', ifAbsent: true }).catch((e: unknown) => e)
    expect(isRivetError(err) && err.code).toBe('RIVET_DEST_AUTH')
    expect(isRivetError(err) && err.hint).toContain('roles/storage.objectCreator')
    server.failNext(401, 1)
    expect(await rejectionCode(upload(store.startUpload('auth/y.parquet', { contentType: PARQUET, ifAbsent: true }), randomBytes(1000)))).toBe('RIVET_DEST_AUTH')
    expect(server.objects.has(`${BUCKET}/auth/x.json`)).toBe(false)
  }, 60_000)

  it('reports a credentials file that cannot be read as RIVET_DEST_AUTH', async () => {
    const keyless = new GcsStore({ bucket: BUCKET, credentialsFile: '/nonexistent/rivet-gcs-key.json', endpoint: server.endpoint, partSizeBytes: CHUNK })
    const err = await keyless.exists('auth/z.json').catch((e: unknown) => e)
    expect(isRivetError(err) && err.code).toBe('RIVET_DEST_AUTH')
    expect(isRivetError(err) && err.hint).toContain('credentials_file')
  }, 60_000)

  it('retries an ifAbsent put through one 503 and fails an unconditional one with retryable RIVET_DEST_WRITE', async () => {
    const served = server.failuresServed
    server.failNext(503, 1)
    await store.put('retry/x.json', Buffer.from('{"ok":1}'), { contentType: 'application/json', ifAbsent: true })
    expect(server.failuresServed - served).toBe(1)
    expect(server.objects.get(`${BUCKET}/retry/x.json`)?.toString()).toBe('{"ok":1}')
    server.failNext(503, 1)
    const err = await store.put('retry/y.json', Buffer.from('{}'), { contentType: 'application/json', ifAbsent: false }).catch((e: unknown) => e)
    expect(isRivetError(err) && err.code).toBe('RIVET_DEST_WRITE')
    expect(isRivetError(err) && err.retryable).toBe(true)
  }, 60_000)

  it('retries a resumable ifAbsent upload through a 503 on a chunk', async () => {
    const body = randomBytes(800 * 1024)
    const target = store.startUpload('retry/stream.bin', { contentType: 'application/octet-stream', ifAbsent: true })
    await target.write(body.subarray(0, 100 * 1024))
    await until(() => server.sessionsCreated > 0)
    const served = server.failuresServed
    server.failNext(503, 1)
    await target.write(body.subarray(100 * 1024))
    await target.end()
    expect(server.failuresServed - served).toBe(1)
    expect(server.objects.get(`${BUCKET}/retry/stream.bin`)?.equals(body)).toBe(true)
  }, 60_000)

  it('abort() on an unfinished upload leaves no object, and the upload takes no more writes', async () => {
    const target = store.startUpload('aborted/part.parquet', { contentType: PARQUET, ifAbsent: true })
    const putsBefore = server.chunkPuts
    await target.write(randomBytes(600 * 1024))
    await until(() => server.chunkPuts > putsBefore)
    await target.abort()
    await target.abort()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(server.objects.has(`${BUCKET}/aborted/part.parquet`)).toBe(false)
    expect(await store.exists('aborted/part.parquet')).toBe(false)
    expect(await rejectionCode(target.write(Buffer.from('more')))).toBe('RIVET_DEST_WRITE')
    expect(await rejectionCode(target.end())).toBe('RIVET_DEST_WRITE')
  }, 60_000)

  it('abort() before any write leaves nothing and never throws', async () => {
    const target = store.startUpload('aborted/untouched.parquet', { contentType: PARQUET, ifAbsent: false })
    await expect(target.abort()).resolves.toBeUndefined()
    expect(server.objects.has(`${BUCKET}/aborted/untouched.parquet`)).toBe(false)
  })
})

describe('GcsStore against a server that dies', () => {
  let server: GcsTestServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  for (const ifAbsent of [true, false]) {
    it(`fails an upload whose server dies mid-way with RIVET_DEST_WRITE in seconds (ifAbsent ${ifAbsent})`, async () => {
      server = await startGcsServer([BUCKET])
      const store = storeFor(server.endpoint)
      const target = store.startUpload('dying/part.parquet', { contentType: PARQUET, ifAbsent })
      const body = randomBytes(2 * 1024 * 1024)
      await target.write(body.subarray(0, 300 * 1024))
      await until(() => server!.chunkPuts > 0)
      await server.kill()
      const started = Date.now()
      const code = await rejectionCode(upload(target, body.subarray(300 * 1024)))
      const elapsed = Date.now() - started
      expect(code).toBe('RIVET_DEST_WRITE')
      expect(elapsed).toBeLessThan(60_000)
      expect(server.objects.has(`${BUCKET}/dying/part.parquet`)).toBe(false)
    }, 90_000)
  }

  it('fails every operation against a refused connection with RIVET_DEST_WRITE in well under 30 s', async () => {
    server = await startGcsServer([BUCKET])
    const endpoint = server.endpoint
    await server.kill()
    const store = storeFor(endpoint)
    const started = Date.now()
    const codes = await Promise.all([
      rejectionCode(upload(store.startUpload('dead/a.parquet', { contentType: PARQUET, ifAbsent: true }), randomBytes(600 * 1024))),
      rejectionCode(upload(store.startUpload('dead/b.parquet', { contentType: PARQUET, ifAbsent: false }), randomBytes(1000))),
      rejectionCode(store.put('dead/c.json', Buffer.from('{}'), { contentType: 'application/json', ifAbsent: true })),
      rejectionCode(store.put('dead/d.json', Buffer.from('{}'), { contentType: 'application/json', ifAbsent: false })),
      rejectionCode(store.read('dead/c.json')),
      rejectionCode(store.exists('dead/c.json')),
      rejectionCode(store.remove('dead/c.json')),
    ])
    const elapsed = Date.now() - started
    expect(codes).toEqual(Array(7).fill('RIVET_DEST_WRITE'))
    expect(elapsed).toBeLessThan(30_000)
  }, 90_000)
})
