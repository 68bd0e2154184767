import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { RivetError } from '../errors/index.js'

/** A config file's bytes as read once: what a plan hashes is what it parses. */
export interface ConfigFile {
  /** Absolute path. */
  readonly path: string
  readonly text: string
  /** sha256 of the bytes, hex. */
  readonly sha256: string
}

/** Read a config file (RIVET_CONFIG_NOT_FOUND when it cannot be read, as `loadConfig` reports it). */
export function readConfigFile(path: string): ConfigFile {
  const absolute = resolve(path)
  let bytes: Buffer
  try {
    bytes = readFileSync(absolute)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'error'})`
    throw new RivetError('RIVET_CONFIG_NOT_FOUND', `config file ${absolute} ${reason}`, { details: { file: absolute }, cause: err })
  }
  return { path: absolute, text: bytes.toString('utf8'), sha256: createHash('sha256').update(bytes).digest('hex') }
}
