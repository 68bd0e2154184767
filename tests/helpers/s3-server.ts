import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import S3rver from 's3rver'

/** A real S3-compatible server (s3rver, files in a temp folder) on a loopback port, for tests. */
export interface S3TestServer {
  /** http://127.0.0.1:PORT — use with forcePathStyle. */
  readonly endpoint: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  close(): Promise<void>
}

/** Start s3rver with `buckets` created; the access key pair is s3rver's fixed one. */
export async function startS3Server(buckets: readonly string[]): Promise<S3TestServer> {
  const directory = mkdtempSync(join(tmpdir(), 'rivet-s3-'))
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name, configs: [] })) })
  const address = (await server.run()) as { address: string; port: number }
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    async close() {
      await server.close()
      rmSync(directory, { recursive: true, force: true })
    },
  }
}
