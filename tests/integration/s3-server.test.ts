import { randomBytes } from 'node:crypto'
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js'

// The S3-compatible server the destination tests run against: a multipart upload through the
// AWS SDK must land byte for byte.
describe('the loopback S3 test server', () => {
  let server: S3TestServer
  beforeAll(async () => {
    server = await startS3Server(['rivet-test'])
  })
  afterAll(async () => {
    await server?.close()
  })

  it('takes a multipart upload of three parts and serves the same bytes back', async () => {
    const client = new S3Client({
      endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    })
    const body = randomBytes(11 * 1024 * 1024)
    const upload = new Upload({ client, params: { Bucket: 'rivet-test', Key: 'a/b.bin', Body: body }, partSize: 5 * 1024 * 1024, queueSize: 2 })
    let parts = 0
    upload.on('httpUploadProgress', () => parts++)
    await upload.done()
    expect(parts).toBeGreaterThanOrEqual(3)
    const got = await client.send(new GetObjectCommand({ Bucket: 'rivet-test', Key: 'a/b.bin' }))
    const bytes = Buffer.from(await got.Body!.transformToByteArray())
    expect(bytes.length).toBe(body.length)
    expect(bytes.equals(body)).toBe(true)
    client.destroy()
  }, 60_000)
})
