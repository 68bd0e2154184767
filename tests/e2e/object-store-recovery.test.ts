import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunManifest } from '../../src/destination/index.js'
import { S3Store } from '../../src/destination/s3/index.js'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../helpers/db.js'
import { startGcsServer, type GcsTestServer } from '../helpers/gcs-server.js'
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js'

const hasPg = await pgAvailable()
const TABLE = 'osr_rows'
const ROWS = 100_000

/**
 * In a bucket an upload appears under its final key as soon as it completes, before the run
 * records it: a process killed in that window leaves objects no manifest lists. The next run
 * finds them by the dead run's name prefix and removes them.
 */
describe.skipIf(!hasPg)('a killed run leaves no stray object in S3 or GCS (spawned CLI)', () => {
  let s3: S3TestServer
  let gcs: GcsTestServer
  let s3Reader: S3Store
  beforeAll(async () => {
    s3 = await startS3Server(['strays'])
    gcs = await startGcsServer(['strays'])
    process.env.AWS_ACCESS_KEY_ID = s3.accessKeyId
    process.env.AWS_SECRET_ACCESS_KEY = s3.secretAccessKey
    s3Reader = new S3Store({ bucket: 'strays', region: null, endpoint: s3.endpoint, profile: null, envCredentials: null, partSizeBytes: 5 * 1024 * 1024 })
    await withPg(async (c) => {
      await c.query(`drop table if exists ${TABLE}`)
      await c.query(`create table ${TABLE} as select g as id, md5(g::text) as label from generate_series(1, ${ROWS}) g`)
    })
  }, 120_000)
  afterAll(async () => {
    await s3Reader?.close()
    await s3?.close()
    await gcs?.close()
    if (hasPg) await withPg((c) => c.query(`drop table if exists ${TABLE}`))
  })

  const stores = {
    s3: {
      destination: () => `{ type: s3, bucket: strays, prefix: "s3/{export}", endpoint: "${s3.endpoint}", access_key_env: TEST_S3_KEY, secret_key_env: TEST_S3_SECRET }`,
      keys: async () => (await s3Reader.list('s3/')).map((k) => k.slice('s3/rows/'.length)),
      read: async (name: string) => (await s3Reader.read(`s3/rows/${name}`))!.toString('utf8'),
    },
    gcs: {
      destination: () => `{ type: gcs, bucket: strays, prefix: "gcs/{export}", endpoint: "${gcs.endpoint}" }`,
      keys: async () => [...gcs.objects.keys()].filter((k) => k.startsWith('strays/gcs/')).map((k) => k.slice('strays/gcs/rows/'.length)),
      read: async (name: string) => gcs.objects.get(`strays/gcs/rows/${name}`)!.toString('utf8'),
    },
  }

  for (const [kind, store] of Object.entries(stores)) {
    it(`${kind}: objects uploaded before the crash are removed by the next run; the bucket then holds exactly the sealed run`, async () => {
      const dir = tempDir('rivet-osr-')
      const cfg = writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n  - name: rows\n    table: ${TABLE}\n    format: csv\n    compression: none\n` +
        `    max_file_size: 1MiB\n    destination: ${store.destination()}\n`)
      const env = { TEST_S3_KEY: s3.accessKeyId, TEST_S3_SECRET: s3.secretAccessKey }
      // after the read every upload has completed under its final key, and none is recorded yet
      const crashed = await runCli(['run', '-c', cfg], { env: { ...env, RIVET_TEST_PANIC_AT: 'after_source_read' } })
      expect(crashed.signal, crashed.stderr).toBe('SIGKILL')
      const strays = await store.keys()
      expect(strays.length, 'the killed run left uploaded objects behind').toBeGreaterThan(1)
      expect(strays.every((k) => k.startsWith('rows_'))).toBe(true)

      const rerun = await runCli(['run', '-c', cfg], { env })
      expect(rerun.code, rerun.stderr).toBe(0)
      expect(rerun.stderr).toMatch(new RegExp(`removed 0 temp file\\(s\\) and ${strays.length} unsealed data file\\(s\\)`))
      const manifest = JSON.parse(await store.read('manifest.json')) as RunManifest
      const keys = (await store.keys()).sort()
      expect(keys).toEqual([...manifest.files.map((f) => f.name), '_SUCCESS', 'manifest.json', `manifest-${manifest.run_id}.json`].sort())
      expect(keys.some((k) => strays.includes(k))).toBe(false)
      expect(manifest.rows).toBe(ROWS)
    })
  }
})
