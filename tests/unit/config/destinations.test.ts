import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../../src/config/index.js'
import { captureError } from './helpers.js'

const HEAD = 'source:\n  type: postgres\n  url: postgresql://r@h/d\nexports:\n'
const one = (dest: string, extra = '') => `${HEAD}  - { name: orders, table: orders, format: csv, ${extra}destination: ${dest} }\n`
const parse = (yaml: string) => parseConfig(yaml, { configPath: '/etc/rivet/rivet.yaml', env: {} })
const problems = (yaml: string) => captureError(() => parse(yaml)).items.map((i) => `${i.code} ${i.message}`)

describe('destination config', () => {
  it('resolves an S3 destination with explicit credential variables and a part size', () => {
    const dest = parse(one('{ type: s3, bucket: b, prefix: "raw/{export}", endpoint: "http://minio:9000", access_key_env: K, secret_key_env: S, part_size: 16MiB }')).exports[0]!.destination
    expect(dest).toEqual({
      type: 's3', bucket: 'b', prefix: 'raw/{export}', region: null, endpoint: 'http://minio:9000', awsProfile: null,
      credentialEnv: { accessKey: 'K', secretKey: 'S', sessionToken: null }, partSizeBytes: 16 * 1024 * 1024,
    })
  })

  it('resolves GCS with the key file relative to the config, and the default part size', () => {
    const dest = parse(one('{ type: gcs, bucket: b, credentials_file: ./sa.json }')).exports[0]!.destination
    expect(dest).toEqual({ type: 'gcs', bucket: 'b', prefix: '', credentialsFile: '/etc/rivet/sa.json', endpoint: null, partSizeBytes: 8 * 1024 * 1024 })
  })

  it('wants S3 parts of at least 5 MiB, and takes smaller GCS chunks', () => {
    expect(problems(one('{ type: s3, bucket: b, part_size: 1MiB }'))).toEqual(['RIVET_CONFIG_RANGE exports[0].destination.part_size must be at least 5 MiB with type: s3, got 1048576 bytes'])
    expect(parse(one('{ type: gcs, bucket: b, part_size: 1MiB }')).exports[0]!.destination).toMatchObject({ partSizeBytes: 1024 * 1024 })
  })

  it('resolves stdout', () => {
    expect(parse(one('{ type: stdout }')).exports[0]!.destination).toEqual({ type: 'stdout' })
  })

  it('reports keys of another kind and missing required keys', () => {
    expect(problems(one('{ type: s3, path: ./out, credentials_file: x.json }'))).toEqual([
      'RIVET_CONFIG_CONFLICT exports[0].destination.path applies to type: local — exports[0].destination.type is s3',
      'RIVET_CONFIG_CONFLICT exports[0].destination.credentials_file applies to type: gcs — exports[0].destination.type is s3',
      'RIVET_CONFIG_MISSING exports[0].destination.bucket is required with type: s3',
    ])
    expect(problems(one('{ type: local }'))).toEqual(['RIVET_CONFIG_MISSING exports[0].destination.path is required with type: local'])
  })

  it('wants S3 credential variables in pairs, and not with a profile', () => {
    expect(problems(one('{ type: s3, bucket: b, access_key_env: K, aws_profile: p }'))).toEqual([
      'RIVET_CONFIG_MISSING exports[0].destination.secret_key_env is required with access_key_env',
      'RIVET_CONFIG_CONFLICT exports[0].destination.aws_profile conflicts with access_key_env/secret_key_env',
    ])
  })

  it('rejects an endpoint that is not an http(s) URL or that carries credentials', () => {
    expect(problems(one('{ type: s3, bucket: b, endpoint: "minio:9000" }'))[0]).toContain('exports[0].destination.endpoint')
    expect(problems(one('{ type: s3, bucket: b, endpoint: "http://key:secret@minio:9000" }')).join('\n')).not.toContain('secret@')
  })

  it('refuses max_file_size and chunked mode with stdout', () => {
    expect(problems(one('{ type: stdout }', 'max_file_size: 10MiB, '))).toEqual([
      'RIVET_CONFIG_CONFLICT exports[0].max_file_size conflicts with destination type: stdout — standard output carries one file',
    ])
    expect(problems(one('{ type: stdout }', 'mode: chunked, chunk_column: id, parallel: 4, '))).toEqual([
      'RIVET_CONFIG_CONFLICT exports[0].mode chunked (parallel 4) conflicts with destination type: stdout — chunks are separate files',
    ])
  })

  it('refuses two exports in one location, unless {export} keeps them apart', () => {
    const two = (a: string, b: string) => `${HEAD}  - { name: a, table: a, format: csv, destination: ${a} }\n  - { name: b, table: b, format: csv, destination: ${b} }\n`
    expect(problems(two('{ type: s3, bucket: x, prefix: raw/ }', '{ type: s3, bucket: x, prefix: raw }'))).toEqual([
      'RIVET_CONFIG_CONFLICT exports[1].destination is the same location as exports[0].destination — each export seals its directory with its own manifest.json and _SUCCESS',
    ])
    expect(() => parse(two('{ type: s3, bucket: x, prefix: "raw/{export}" }', '{ type: s3, bucket: x, prefix: "raw/{export}" }'))).not.toThrow()
    expect(() => parse(two('{ type: s3, bucket: x, prefix: raw }', '{ type: gcs, bucket: x, prefix: raw }'))).not.toThrow()
  })
})
