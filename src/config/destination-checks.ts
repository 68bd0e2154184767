/**
 * Cross-field rules of `exports[].destination`: which keys each kind takes and needs, credential
 * keys that only work together, what standard output cannot do, and one location per export.
 */
import { getArray, getNumber, getObject, getString, isMapping, isSet, type CleanObject } from './clean-tree.js'
import type { ConfigCheck } from './checks.js'
import { formatPath, type ConfigIssues, type ConfigPath } from './issues.js'
import type { DestinationType } from './types.js'

/** The destination kinds each key applies to. */
export const DESTINATION_KEYS: Readonly<Record<string, readonly DestinationType[]>> = {
  path: ['local'],
  bucket: ['s3', 'gcs'],
  prefix: ['s3', 'gcs'],
  endpoint: ['s3', 'gcs'],
  part_size: ['s3', 'gcs'],
  region: ['s3'],
  aws_profile: ['s3'],
  access_key_env: ['s3'],
  secret_key_env: ['s3'],
  session_token_env: ['s3'],
  credentials_file: ['gcs'],
}

const S3_MIN_PART_SIZE = 5 * 1024 * 1024

const REQUIRED: Readonly<Record<DestinationType, readonly string[]>> = { local: ['path'], s3: ['bucket'], gcs: ['bucket'], stdout: [] }

type DestinationRule = (dest: CleanObject, type: DestinationType, exp: CleanObject, path: ConfigPath, issues: ConfigIssues) => void

function eachDestination(rule: DestinationRule): ConfigCheck {
  return (config, issues) => {
    getArray(config, 'exports').forEach((exp, i) => {
      if (!isMapping(exp)) return
      const dest = getObject(exp, 'destination')
      const type = getString(dest, 'type') as DestinationType | undefined
      if (dest !== undefined && type !== undefined) rule(dest, type, exp, ['exports', i, 'destination'], issues)
    })
  }
}

/** Keys of another kind are mistakes; each kind's required keys must be there. */
export const checkDestinationKeys: ConfigCheck = eachDestination((dest, type, _exp, path, issues) => {
  for (const [key, kinds] of Object.entries(DESTINATION_KEYS)) {
    if (!isSet(dest, key) || kinds.includes(type)) continue
    issues.add('RIVET_CONFIG_CONFLICT', [...path, key], `${formatPath([...path, key])} applies to type: ${kinds.join(' or ')} — ${formatPath([...path, 'type'])} is ${type}`, `remove the key, or use type: ${kinds.join(' or ')}`)
  }
  for (const key of REQUIRED[type]) {
    if (isSet(dest, key)) continue
    issues.add('RIVET_CONFIG_MISSING', [...path, key], `${formatPath([...path, key])} is required with type: ${type}`, key === 'path' ? 'add path: the directory to write to, e.g. ./out/{export}/{date}' : 'add bucket: the name of the bucket to write to')
  }
})

/** Explicit S3 credentials come as a pair (plus an optional token), and not together with a profile. */
export const checkS3Credentials: ConfigCheck = eachDestination((dest, type, _exp, path, issues) => {
  if (type !== 's3') return
  const access = isSet(dest, 'access_key_env')
  const secret = isSet(dest, 'secret_key_env')
  if (access !== secret) {
    const missing = access ? 'secret_key_env' : 'access_key_env'
    issues.add('RIVET_CONFIG_MISSING', [...path, missing], `${formatPath([...path, missing])} is required with ${access ? 'access_key_env' : 'secret_key_env'}`, 'give both access_key_env and secret_key_env, or neither to use the default AWS credential chain')
  }
  if (isSet(dest, 'session_token_env') && !(access && secret)) {
    issues.add('RIVET_CONFIG_MISSING', [...path, 'session_token_env'], `${formatPath([...path, 'session_token_env'])} needs access_key_env and secret_key_env`, 'a session token belongs to temporary credentials: name all three variables')
  }
  if (isSet(dest, 'aws_profile') && (access || secret)) {
    issues.add('RIVET_CONFIG_CONFLICT', [...path, 'aws_profile'], `${formatPath([...path, 'aws_profile'])} conflicts with access_key_env/secret_key_env`, 'use either a profile or explicit credentials')
  }
})

/** S3 refuses multipart parts under 5 MiB (except the last). */
export const checkS3PartSize: ConfigCheck = eachDestination((dest, type, _exp, path, issues) => {
  const partSize = getNumber(dest, 'part_size')
  if (type !== 's3' || partSize === undefined || partSize >= S3_MIN_PART_SIZE) return
  const where = [...path, 'part_size']
  issues.add('RIVET_CONFIG_RANGE', where, `${formatPath(where)} must be at least 5 MiB with type: s3, got ${partSize} bytes`, 'S3 multipart parts are at least 5 MiB: use part_size: 5MiB or more')
})

/** Standard output carries exactly one file, written in order. */
export const checkStdout: ConfigCheck = eachDestination((_dest, type, exp, path, issues) => {
  if (type !== 'stdout') return
  const exportPath = path.slice(0, -1)
  if (isSet(exp, 'max_file_size')) {
    const where = [...exportPath, 'max_file_size']
    issues.add('RIVET_CONFIG_CONFLICT', where, `${formatPath(where)} conflicts with destination type: stdout — standard output carries one file`, 'remove max_file_size, or write to a local, s3 or gcs destination')
  }
  if (getString(exp, 'mode') === 'chunked') {
    const parallel = getNumber(exp, 'parallel')
    const where = [...exportPath, 'mode']
    issues.add('RIVET_CONFIG_CONFLICT', where, `${formatPath(where)} chunked${parallel !== undefined && parallel > 1 ? ` (parallel ${parallel})` : ''} conflicts with destination type: stdout — chunks are separate files`, 'use mode: full or incremental for stdout, or write the chunks to a local, s3 or gcs destination')
  }
})

/** Two exports writing to one place would overwrite each other's manifest.json and _SUCCESS. */
export const checkDistinctLocations: ConfigCheck = (config, issues) => {
  const seen = new Map<string, ConfigPath>()
  getArray(config, 'exports').forEach((exp, i) => {
    if (!isMapping(exp)) return
    const dest = getObject(exp, 'destination')
    const type = getString(dest, 'type')
    const where = type === 'local' ? getString(dest, 'path') : type === 's3' || type === 'gcs' ? `${getString(dest, 'bucket')}/${getString(dest, 'prefix') ?? ''}` : undefined
    if (where === undefined || where.includes('{export}')) return
    const key = `${type}:${where.replace(/\/+$/, '')}`
    const path: ConfigPath = ['exports', i, 'destination']
    const first = seen.get(key)
    if (first === undefined) {
      seen.set(key, path)
      return
    }
    issues.add('RIVET_CONFIG_CONFLICT', path, `${formatPath(path)} is the same location as ${formatPath(first)} — each export seals its directory with its own manifest.json and _SUCCESS`, 'give each export its own directory or prefix, e.g. with {export} in it')
  })
}

export const DESTINATION_CHECKS: readonly ConfigCheck[] = [checkDestinationKeys, checkS3Credentials, checkS3PartSize, checkStdout, checkDistinctLocations]
