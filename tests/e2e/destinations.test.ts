import { readFileSync } from 'node:fs'
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import xxhash from 'xxhash-addon'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunManifest } from '../../src/destination/index.js'
import { S3Store } from '../../src/destination/s3/index.js'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../helpers/db.js'
import { startGcsServer, type GcsTestServer } from '../helpers/gcs-server.js'
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js'

const hasPg = await pgAvailable()
const xxh3 = (b: Buffer) => xxhash.XXHash3.hash(b).toString('hex')

interface RunJson {
  exitCode: number
  exports: { name: string; status: string; rows: number; files: { path: string; rows: number; bytes: number; xxh3: string }[]; error?: { code: string } | null }[]
}

describe.skipIf(!hasPg)('the same export to local, S3 and GCS (spawned CLI)', () => {
  let s3: S3TestServer
  let gcs: GcsTestServer
  let s3Reader: S3Store
  beforeAll(async () => {
    s3 = await startS3Server(['extracts'])
    gcs = await startGcsServer(['extracts'])
    process.env.AWS_ACCESS_KEY_ID = s3.accessKeyId
    process.env.AWS_SECRET_ACCESS_KEY = s3.secretAccessKey
    s3Reader = new S3Store({ bucket: 'extracts', region: null, endpoint: s3.endpoint, profile: null, envCredentials: null, partSizeBytes: 5 * 1024 * 1024 })
    await withPg(async (c) => {
      await c.query('drop table if exists dest_e2e')
      await c.query(`create table dest_e2e as select g::bigint as id, md5(g::text) || repeat('x', g % 50) as label, (g * 1.25)::numeric(12,2) as amount,
        timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second' as at from generate_series(1, 250000) g`)
    })
  }, 120_000)
  afterAll(async () => {
    await s3Reader?.close()
    await s3?.close()
    await gcs?.close()
  })

  /** Read an object the run reported, from whichever store holds it. */
  async function fetch(path: string): Promise<Buffer> {
    if (path.startsWith('s3://extracts/')) return (await s3Reader.read(path.slice('s3://extracts/'.length)))!
    if (path.startsWith('gs://')) return gcs.objects.get(path.slice('gs://'.length))!
    return readFileSync(path)
  }

  /** The directory/prefix URL of a file path or URL. */
  const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/') + 1)

  for (const format of ['csv', 'parquet'] as const) {
    it(`${format}: downloaded bytes equal the local files; manifests list every part with its checksum`, async () => {
      const dir = tempDir('rivet-dest-e2e-')
      // fixed batches make the file boundaries (and so the bytes) independent of timing
      const common = `    table: dest_e2e\n    format: ${format}\n    compression: ${format === 'csv' ? 'none' : 'zstd'}\n    max_file_size: ${format === 'csv' ? '8MiB' : '2MiB'}\n    tuning: { batch_size: 20000 }\n`
      const cfg = writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n` +
        `  - name: to_local\n${common}    destination: { type: local, path: "./out/{export}" }\n` +
        `  - name: to_s3\n${common}    destination: { type: s3, bucket: extracts, prefix: "${format}/{export}/{date}", endpoint: "${s3.endpoint}", access_key_env: TEST_S3_KEY, secret_key_env: TEST_S3_SECRET, part_size: 5MiB }\n` +
        `  - name: to_gcs\n${common}    destination: { type: gcs, bucket: extracts, prefix: "${format}/{export}", endpoint: "${gcs.endpoint}", part_size: 1MiB }\n`)
      const env = { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', TEST_S3_KEY: s3.accessKeyId, TEST_S3_SECRET: s3.secretAccessKey }
      const r = await runCli(['run', '-c', cfg, '--json'], { cwd: dir, env })
      expect(r.code, r.stderr).toBe(0)
      const report = JSON.parse(r.stdout) as RunJson
      const [local, toS3, toGcs] = ['to_local', 'to_s3', 'to_gcs'].map((n) => report.exports.find((e) => e.name === n)!)
      expect(local!.rows).toBe(250000)
      expect(local!.files.length).toBeGreaterThan(1)
      expect(toS3!.files[0]!.path).toMatch(/^s3:\/\/extracts\/.+\/to_s3\/\d{4}-\d{2}-\d{2}\/to_s3_/)
      expect(toGcs!.files[0]!.path).toMatch(/^gs:\/\/extracts\/.+\/to_gcs\/to_gcs_/)
      const localBytes = await Promise.all(local!.files.map((f) => fetch(f.path)))
      for (const remote of [toS3!, toGcs!]) {
        expect(remote.files.length).toBe(local!.files.length)
        const bytes = await Promise.all(remote.files.map((f) => fetch(f.path)))
        bytes.forEach((b, i) => expect(b.equals(localBytes[i]!), `${remote.name} file ${i + 1}`).toBe(true))
        // the manifest next to the files lists every one with the checksum of the stored bytes
        const base = dirOf(remote.files[0]!.path)
        const manifest = JSON.parse((await fetch(`${base}manifest.json`)).toString('utf8')) as RunManifest
        expect(manifest.files.map((f) => f.name)).toEqual(remote.files.map((f) => f.path.slice(base.length)))
        manifest.files.forEach((f, i) => {
          expect(f.xxh3).toBe(xxh3(bytes[i]!))
          expect(f.bytes).toBe(bytes[i]!.length)
        })
        expect(manifest.rows).toBe(250000)
        expect(manifest.schema.columns.map((c) => c.name)).toEqual(['id', 'label', 'amount', 'at'])
        const success = JSON.parse((await fetch(`${base}_SUCCESS`)).toString('utf8')) as { run_id: string; manifest: string }
        expect(success.run_id).toBe(manifest.run_id)
        expect((await fetch(`${base}${success.manifest}`)).toString('utf8')).toBe(JSON.stringify(manifest, null, 2) + '\n')
      }
      // the CSV files span several S3 parts and GCS chunks; the Parquet ones several GCS chunks
      if (format === 'csv') expect(Math.max(...local!.files.map((f) => f.bytes))).toBeGreaterThan(5 * 1024 * 1024 + 1)
      expect(Math.max(...local!.files.map((f) => f.bytes))).toBeGreaterThan(1024 * 1024 + 1)
      expect(gcs.chunkPuts).toBeGreaterThan(local!.files.length)
    }, 240_000)
  }

  it('seals a chunked parallel export to S3 with one manifest naming every chunk file', async () => {
    const dir = tempDir('rivet-dest-e2e-')
    const cfg = writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n  - name: chunks\n    table: dest_e2e\n    format: parquet\n` +
      `    mode: chunked\n    chunk_column: id\n    chunk_count: 5\n    parallel: 2\n    chunk_checkpoint: true\n` +
      `    destination: { type: s3, bucket: extracts, prefix: "chunked/{export}", endpoint: "${s3.endpoint}" }\n`)
    const r = await runCli(['run', '-c', cfg, '--json'], { cwd: dir })
    expect(r.code, r.stdout + r.stderr).toBe(0)
    const report = JSON.parse(r.stdout) as RunJson
    const files = report.exports[0]!.files
    expect(report.exports[0]!.rows).toBe(250000)
    expect(files.length, `${JSON.stringify(files)}\n${r.stderr}`).toBe(5)
    const manifest = JSON.parse((await fetch('s3://extracts/chunked/chunks/manifest.json')).toString('utf8')) as RunManifest
    expect(manifest.rows).toBe(250000)
    expect(manifest.files.map((f) => f.chunk)).toEqual([0, 1, 2, 3, 4])
    for (const f of manifest.files) expect(xxh3(await fetch(`s3://extracts/chunked/chunks/${f.name}`))).toBe(f.xxh3)
    expect(JSON.parse((await fetch('s3://extracts/chunked/chunks/_SUCCESS')).toString('utf8'))).toMatchObject({ run_id: manifest.run_id })
  })

  it('lists nothing but the run under the S3 prefix: no temp objects, no probe objects', async () => {
    const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } })
    const out = await client.send(new ListObjectsV2Command({ Bucket: 'extracts', Prefix: 'csv/' }))
    const names = (out.Contents ?? []).map((o) => o.Key!.split('/').pop()!)
    const other = names.filter((n) => !/^to_s3_\d{8}T\d{6}Z-[0-9a-f]{8}_part\d+\.csv$/.test(n)).sort()
    expect(other).toHaveLength(3)
    expect(other[0]).toBe('_SUCCESS')
    expect(other[1]).toMatch(/^manifest-\d{8}T\d{6}Z-[0-9a-f]{8}\.json$/)
    expect(other[2]).toBe('manifest.json')
    expect(names.some((n) => n.startsWith('.') || n.includes('rivet-tmp'))).toBe(false)
    client.destroy()
  })
})
