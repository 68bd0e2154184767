import { randomBytes } from 'node:crypto'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ObjectStoreDestination } from '../../../src/destination/index.js'
import { S3Store } from '../../../src/destination/s3/index.js'
import { startS3Server, type S3TestServer } from '../../helpers/s3-server.js'

/**
 * A proxy in front of s3rver that answers 503 to the first attempt of chosen part uploads, the
 * way S3 does under load, and forwards everything else.
 */
function flakyProxy(target: string, failParts: ReadonlySet<string>): Promise<{ server: Server; endpoint: string; failed: string[]; partAttempts: Map<string, number> }> {
  const failed: string[] = []
  const partAttempts = new Map<string, number>()
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const part = url.searchParams.get('partNumber')
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (req.method === 'PUT' && part !== null) {
        partAttempts.set(part, (partAttempts.get(part) ?? 0) + 1)
        if (failParts.has(part) && !failed.includes(part)) {
          failed.push(part)
          res.writeHead(503, { 'content-type': 'application/xml' })
          res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>')
          return
        }
      }
      const upstream = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      })
      upstream.on('error', () => res.destroy())
      upstream.end(Buffer.concat(chunks))
    })
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, failed, partAttempts })))
}

describe('S3 part uploads retried after a 503', () => {
  let s3: S3TestServer
  beforeAll(async () => {
    s3 = await startS3Server(['retry'])
    process.env.AWS_ACCESS_KEY_ID = s3.accessKeyId
    process.env.AWS_SECRET_ACCESS_KEY = s3.secretAccessKey
  })
  afterAll(async () => {
    await s3?.close()
  })

  it('re-sends a refused part under the same number: the object is byte-identical', async () => {
    const proxy = await flakyProxy(s3.endpoint, new Set(['2', '3']))
    try {
      const store = new S3Store({ bucket: 'retry', region: null, endpoint: proxy.endpoint, profile: null, envCredentials: null, partSizeBytes: 5 * 1024 * 1024 })
      const dest = new ObjectStoreDestination({ store, prefix: 'r', runId: 'run-1' })
      await dest.prepare()
      const body = randomBytes(16 * 1024 * 1024 + 777)
      const sink = dest.openSink('data.bin')
      for (let at = 0; at < body.length; at += 1 << 20) await sink.write(body.subarray(at, at + (1 << 20)))
      const closed = await sink.close()
      await dest.commit([sink])
      expect(proxy.failed).toEqual(expect.arrayContaining(['2', '3']))
      expect(proxy.partAttempts.get('2')).toBe(2)
      expect(proxy.partAttempts.get('1')).toBe(1)
      expect(closed.bytes).toBe(body.length)
      const reader = new S3Store({ bucket: 'retry', region: null, endpoint: s3.endpoint, profile: null, envCredentials: null, partSizeBytes: 5 * 1024 * 1024 })
      expect((await reader.read('r/data.bin'))!.equals(body)).toBe(true)
      await reader.close()
      await store.close()
    } finally {
      proxy.server.close()
    }
  }, 60_000)
})
