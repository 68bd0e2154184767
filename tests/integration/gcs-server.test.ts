import { randomBytes } from 'node:crypto'
import { Storage } from '@google-cloud/storage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startGcsServer, type GcsTestServer } from '../helpers/gcs-server.js'

// The Cloud Storage server the destination tests run against: a resumable upload in several
// chunks through @google-cloud/storage must land byte for byte, with the client's hash checks on.
describe('the loopback GCS test server', () => {
  let server: GcsTestServer
  beforeAll(async () => {
    server = await startGcsServer(['rivet-test'])
  })
  afterAll(async () => {
    await server?.close()
  })

  it('takes a resumable upload in three chunks and serves the same bytes back', async () => {
    const storage = new Storage({ apiEndpoint: server.endpoint, projectId: 'rivet-test', token: 'test-token' } as ConstructorParameters<typeof Storage>[0])
    const body = randomBytes(600 * 1024)
    const file = storage.bucket('rivet-test').file('a/b.bin')
    await new Promise<void>((resolve, reject) => {
      const stream = file.createWriteStream({ resumable: true, chunkSize: 256 * 1024, validation: 'crc32c' })
      stream.on('error', reject).on('finish', resolve)
      stream.end(body)
    })
    expect(server.chunkPuts).toBeGreaterThanOrEqual(3)
    expect(server.objects.get('rivet-test/a/b.bin')?.equals(body)).toBe(true)
    const [downloaded] = await file.download()
    expect(downloaded.equals(body)).toBe(true)
    const [files] = await storage.bucket('rivet-test').getFiles({ prefix: 'a/' })
    expect(files.map((f) => f.name)).toEqual(['a/b.bin'])
    await file.delete()
    expect(server.objects.size).toBe(0)
  }, 60_000)
})
