import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { S3Store, type S3StoreOptions } from '../../../src/destination/s3/index.js'
import { isRivetError, type RivetError } from '../../../src/errors/index.js'
import { tempDir } from '../../helpers/cli.js'
import { startS3Server, type S3TestServer } from '../../helpers/s3-server.js'

const AWS_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'RIVET_T_KEY', 'RIVET_T_SECRET']
let s3: S3TestServer
const saved = new Map(AWS_VARS.map((k) => [k, process.env[k]]))

beforeAll(async () => {
  s3 = await startS3Server(['creds'])
})
afterAll(async () => {
  await s3?.close()
})
afterEach(() => {
  for (const [k, v] of saved) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
})

function store(options: Partial<S3StoreOptions>): S3Store {
  return new S3Store({ bucket: 'creds', region: null, endpoint: s3.endpoint, profile: null, envCredentials: null, partSizeBytes: 5 * 1024 * 1024, ...options })
}

async function failure(p: Promise<unknown>): Promise<RivetError> {
  const err = await p.then(() => undefined, (e: unknown) => e)
  if (!isRivetError(err)) throw new Error(`expected a RivetError, got ${String(err)}`)
  return err
}

describe('S3 credentials and bucket errors (s3rver checks signatures)', () => {
  it('reads explicit credentials from the named environment variables', async () => {
    process.env.RIVET_T_KEY = s3.accessKeyId
    process.env.RIVET_T_SECRET = s3.secretAccessKey
    const s = store({ envCredentials: { accessKeyEnv: 'RIVET_T_KEY', secretKeyEnv: 'RIVET_T_SECRET', sessionTokenEnv: null } })
    await s.put('env/ok.txt', Buffer.from('ok'), { contentType: 'text/plain', ifAbsent: true })
    expect((await s.read('env/ok.txt'))!.toString()).toBe('ok')
    await s.close()
  })

  it('names an unset credential variable, without any value', () => {
    process.env.RIVET_T_KEY = 'AKIAEXAMPLEKEY'
    delete process.env.RIVET_T_SECRET
    let err: unknown
    try {
      store({ envCredentials: { accessKeyEnv: 'RIVET_T_KEY', secretKeyEnv: 'RIVET_T_SECRET', sessionTokenEnv: null } })
    } catch (e) {
      err = e
    }
    expect(isRivetError(err) && err.code).toBe('RIVET_DEST_AUTH')
    expect((err as RivetError).message).toBe('environment variable RIVET_T_SECRET (destination.secret_key_env) is not set')
    expect(JSON.stringify((err as RivetError).toJSON())).not.toContain('AKIAEXAMPLEKEY')
  })

  it('reports refused credentials as RIVET_DEST_AUTH and never prints the secret', async () => {
    process.env.RIVET_T_KEY = 'AKIAUNKNOWNKEY'
    process.env.RIVET_T_SECRET = 'wrong-secret-value'
    const s = store({ envCredentials: { accessKeyEnv: 'RIVET_T_KEY', secretKeyEnv: 'RIVET_T_SECRET', sessionTokenEnv: null } })
    const err = await failure(s.put('env/no.txt', Buffer.from('no'), { contentType: 'text/plain', ifAbsent: false }))
    expect(err.code).toBe('RIVET_DEST_AUTH')
    expect(err.exitCode).toBe(1)
    expect(err.message).toContain('s3://creds/env/no.txt')
    expect(JSON.stringify(err.toJSON())).not.toContain('wrong-secret-value')
    await s.close()
  })

  it('takes credentials from a named profile of the shared credentials file', async () => {
    const dir = tempDir('rivet-aws-')
    const file = join(dir, 'credentials')
    writeFileSync(file, `[default]\naws_access_key_id = nope\naws_secret_access_key = nope\n\n[extracts]\naws_access_key_id = ${s3.accessKeyId}\naws_secret_access_key = ${s3.secretAccessKey}\n`)
    process.env.AWS_SHARED_CREDENTIALS_FILE = file
    process.env.AWS_CONFIG_FILE = join(dir, 'config-missing')
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE']) delete process.env[k]
    const s = store({ profile: 'extracts' })
    await s.put('profile/ok.txt', Buffer.from('p'), { contentType: 'text/plain', ifAbsent: false })
    expect(await s.exists('profile/ok.txt')).toBe(true)
    await s.close()
    const wrong = store({ profile: 'default' })
    expect((await failure(wrong.put('profile/no.txt', Buffer.from('p'), { contentType: 'text/plain', ifAbsent: false }))).code).toBe('RIVET_DEST_AUTH')
    await wrong.close()
  })

  it('reports a missing bucket as RIVET_DEST_INVALID', async () => {
    process.env.AWS_ACCESS_KEY_ID = s3.accessKeyId
    process.env.AWS_SECRET_ACCESS_KEY = s3.secretAccessKey
    const s = new S3Store({ bucket: 'no-such-bucket', region: null, endpoint: s3.endpoint, profile: null, envCredentials: null, partSizeBytes: 5 * 1024 * 1024 })
    const err = await failure(s.put('x.txt', Buffer.from('x'), { contentType: 'text/plain', ifAbsent: false }))
    expect(err.code).toBe('RIVET_DEST_INVALID')
    expect(err.hint).toContain('destination.bucket')
    await s.close()
  })
})
