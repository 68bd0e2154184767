import { createReadStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { ResolvedDestination } from '../config/index.js'
import { normalizePrefix, resolveOutputDir } from '../destination/index.js'
import type { ObjectStore, OutputDirVars } from '../destination/index.js'
import { RivetError } from '../errors/index.js'

/**
 * Read access to the files of one destination directory or prefix, by file name. Missing files
 * answer null; other failures throw (a store that cannot be reached: RIVET_DEST_WRITE, exit 2).
 */
export interface StoredFiles {
  /** The directory, or `s3://bucket/prefix/` / `gs://bucket/prefix/`. */
  readonly location: string
  size(name: string): Promise<number | null>
  /** A small file (a manifest, `_SUCCESS`) in full. */
  readSmall(name: string): Promise<Buffer | null>
  /** The file's bytes in pieces: large files are never held in memory. */
  stream(name: string): Promise<AsyncIterable<Uint8Array> | null>
  /** `length` bytes from offset `start`. */
  readRange(name: string, start: number, length: number): Promise<Uint8Array | null>
  close(): Promise<void>
}

/** The stored files of an export's destination, at the location a run with these variables wrote to. */
export async function openStoredFiles(dest: ResolvedDestination, vars: OutputDirVars): Promise<StoredFiles> {
  switch (dest.type) {
    case 'local':
      return new LocalStoredFiles(resolveOutputDir(dest.path, vars))
    case 's3': {
      // built as openDestination builds it, so reads go where the run wrote
      const { S3Store } = await import('../destination/s3/index.js')
      const envCredentials = dest.credentialEnv === null ? null : { accessKeyEnv: dest.credentialEnv.accessKey, secretKeyEnv: dest.credentialEnv.secretKey, sessionTokenEnv: dest.credentialEnv.sessionToken }
      const store = new S3Store({ bucket: dest.bucket, region: dest.region, endpoint: dest.endpoint, profile: dest.awsProfile, envCredentials, partSizeBytes: dest.partSizeBytes })
      return new ObjectStoredFiles(store, resolveOutputDir(dest.prefix, vars))
    }
    case 'gcs': {
      const { GcsStore } = await import('../destination/gcs/index.js')
      const store = new GcsStore({ bucket: dest.bucket, credentialsFile: dest.credentialsFile, endpoint: dest.endpoint, partSizeBytes: dest.partSizeBytes })
      return new ObjectStoredFiles(store, resolveOutputDir(dest.prefix, vars))
    }
    case 'stdout':
      throw new RivetError('RIVET_INTERNAL', 'standard output keeps no files to read back')
  }
}

function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** Files in a local directory. */
export class LocalStoredFiles implements StoredFiles {
  constructor(readonly location: string) {}

  async size(name: string): Promise<number | null> {
    try {
      const stat = await fs.stat(this.file(name))
      return stat.isFile() ? stat.size : null
    } catch (err) {
      if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return null
      throw err
    }
  }

  async readSmall(name: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.file(name))
    } catch (err) {
      if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return null
      throw err
    }
  }

  async stream(name: string): Promise<AsyncIterable<Uint8Array> | null> {
    if ((await this.size(name)) === null) return null
    return createReadStream(this.file(name), { highWaterMark: 1 << 20 })
  }

  async readRange(name: string, start: number, length: number): Promise<Uint8Array | null> {
    let handle: fs.FileHandle
    try {
      handle = await fs.open(this.file(name), 'r')
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return null
      throw err
    }
    try {
      const buffer = Buffer.alloc(length)
      const { bytesRead } = await handle.read(buffer, 0, length, start)
      return buffer.subarray(0, bytesRead)
    } finally {
      await handle.close()
    }
  }

  async close(): Promise<void> {}

  private file(name: string): string {
    return path.join(this.location, name)
  }
}

/** Objects under a prefix of an S3 or GCS bucket. */
export class ObjectStoredFiles implements StoredFiles {
  readonly location: string
  private readonly prefix: string

  constructor(private readonly store: ObjectStore, prefix: string) {
    this.prefix = normalizePrefix(prefix)
    this.location = store.url(this.prefix)
  }

  async size(name: string): Promise<number | null> {
    return (await this.store.stat(this.prefix + name))?.bytes ?? null
  }

  readSmall(name: string): Promise<Buffer | null> {
    return this.store.read(this.prefix + name)
  }

  stream(name: string): Promise<AsyncIterable<Uint8Array> | null> {
    return this.store.readStream(this.prefix + name)
  }

  readRange(name: string, start: number, length: number): Promise<Uint8Array | null> {
    return this.store.readRange(this.prefix + name, start, length)
  }

  close(): Promise<void> {
    return this.store.close()
  }
}
