import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { S3Store } from '../../src/destination/s3/index.js'
import { collect, spawnCli, tempDir, writeConfig } from '../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../helpers/db.js'
import { spawnS3Server, type S3Process } from '../../bench/lib/s3-process.js'

const hasPg = await pgAvailable()

describe.skipIf(!hasPg)('S3 server killed mid-upload (spawned CLI, s3rver in its own process)', () => {
  let s3: S3Process
  beforeAll(async () => {
    s3 = await spawnS3Server(['landing'])
    await withPg(async (c) => {
      await c.query('drop table if exists dest_kill')
      await c.query(`create table dest_kill as select g::bigint as id, repeat(md5(g::text), 6) as payload from generate_series(1, 400000) g`)
    })
  }, 120_000)
  afterAll(async () => {
    await s3?.close()
  })

  const env = () => ({ ...process.env, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' })

  async function successExists(): Promise<boolean> {
    const store = new S3Store({ bucket: 'landing', region: null, endpoint: s3.endpoint, profile: null, envCredentials: null, partSizeBytes: 5 * 1024 * 1024 })
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER'
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER'
    try {
      return await store.exists('kill/_SUCCESS')
    } finally {
      await store.close()
    }
  }

  it('fails with a retryable code and no _SUCCESS; the re-run completes and seals the prefix', async () => {
    const dir = tempDir('rivet-s3-kill-')
    const cfg = writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n  - name: kill\n    table: dest_kill\n    format: csv\n    compression: none\n` +
      `    tuning: { batch_size: 10000, throttle_ms: 20 }\n    destination: { type: s3, bucket: landing, prefix: kill, endpoint: "${s3.endpoint}", part_size: 5MiB }\n`)
    const child = spawnCli(['run', '-c', cfg, '--json'], { cwd: dir, env: env() })
    const result = collect(child)
    // kill the server once the first part of the multipart upload is stored
    const deadline = Date.now() + 60_000
    while (s3.partsInProgress() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(s3.partsInProgress()).toBeGreaterThan(0)
    await s3.kill()
    const failed = await result
    expect(failed.code, failed.stderr).toBe(2)
    const report = JSON.parse(failed.stdout) as { exports: { status: string; error: { code: string } }[] }
    expect(report.exports[0]!.status).toBe('failed')
    expect(report.exports[0]!.error.code).toBe('RIVET_DEST_WRITE')
    await s3.start()
    expect(await successExists()).toBe(false)
    const again = await collect(spawnCli(['run', '-c', cfg, '--json'], { cwd: dir, env: env() }))
    expect(again.code, again.stderr).toBe(0)
    const ok = JSON.parse(again.stdout) as { exports: { status: string; rows: number }[] }
    expect(ok.exports[0]).toMatchObject({ status: 'completed', rows: 400000 })
    expect(await successExists()).toBe(true)
  }, 240_000)
})
