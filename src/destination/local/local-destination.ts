import fs from 'node:fs/promises'
import path from 'node:path'
import { RivetError } from '../../errors/index.js'
import { randomBytes } from 'node:crypto'
import { isPlainName } from '../naming.js'
import type { ClosedFile, CommittedFile, Destination, DestinationSink, ProbeReport, RunManifest } from '../types.js'
import { MANIFEST_NAME, PROBE_PREFIX, SUCCESS_NAME, manifestBody, runManifestName, successBody } from '../types.js'
import { errnoCode, toDestWriteError } from './fs-errors.js'
import { LocalFileSink } from './local-file-sink.js'
import { makeDirectory } from './make-directory.js'
import { tempFileName } from './temp-files.js'

/** Options of a local destination: the resolved output directory and the run writing into it. */
export interface LocalDestinationOptions {
  readonly dir: string
  readonly runId: string
}

// Errors meaning "this filesystem has no hard links" (FAT/exFAT, some SMB and FUSE mounts).
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'])
// Errors meaning "directories cannot be fsynced here"; the renames themselves have succeeded.
const NO_DIR_FSYNC = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EISDIR', 'EPERM', 'EBADF'])

interface Publication {
  readonly sink: LocalFileSink
  readonly file: ClosedFile
  readonly tempPath: string
  /** True when published by rename (no hard links): undoing means renaming back. */
  renamed: boolean
}

/** Writes output files into a local directory: temp files first, published by an atomic no-clobber commit. */
export class LocalDestination implements Destination {
  readonly kind = 'local'
  readonly dir: string
  readonly runId: string
  private readonly sinks = new Map<string, LocalFileSink>()

  constructor(options: LocalDestinationOptions) {
    if (!isPlainName(options.runId)) throw new RivetError('RIVET_INTERNAL', `invalid run id '${options.runId}' for a file name`)
    this.dir = path.resolve(options.dir)
    this.runId = options.runId
  }

  get location(): string {
    return this.dir
  }

  /** Create the directory (mkdir -p) and prove it is writable by creating and removing a probe file. */
  async prepare(): Promise<void> {
    try {
      await makeDirectory(this.dir)
    } catch (err) {
      throw toDestWriteError(err, 'create directory', this.dir)
    }
    // The probe carries this run's temp suffix, so a crash right here leaves nothing the stale sweep misses.
    const probe = path.join(this.dir, tempFileName('rivet-probe', this.runId))
    try {
      const handle = await fs.open(probe, 'w')
      await handle.close()
      await fs.unlink(probe)
    } catch (err) {
      throw toDestWriteError(err, 'write to directory', this.dir)
    }
  }

  /** Start a file that will be published as `finalName` in this directory. */
  openSink(finalName: string): LocalFileSink {
    if (!isPlainName(finalName)) throw new RivetError('RIVET_INTERNAL', `invalid output file name '${finalName}'`)
    if (this.sinks.has(finalName)) throw new RivetError('RIVET_INTERNAL', `output file ${finalName} was opened twice in run ${this.runId}`)
    const sink = new LocalFileSink(finalName, path.join(this.dir, tempFileName(finalName, this.runId)), path.join(this.dir, finalName))
    this.sinks.set(finalName, sink)
    return sink
  }

  /**
   * Publish closed sinks under their final names, all or none, never replacing an existing file.
   * Hard links give no-clobber atomically (link fails with EEXIST); temps are unlinked only once
   * every link exists, so a failure part-way can be undone without losing data.
   */
  async commit(sinks: readonly DestinationSink[]): Promise<CommittedFile[]> {
    const batch: Publication[] = sinks.map((s) => {
      const sink = this.own(s)
      return { sink, file: this.requireClosed(sink), tempPath: sink.tempPath, renamed: false }
    })
    for (const { file } of batch) await this.assertFree(file.finalPath)
    const published: Publication[] = []
    try {
      for (const entry of batch) {
        await this.publish(entry)
        published.push(entry)
      }
    } catch (err) {
      await Promise.all(published.map((entry) => this.unpublish(entry)))
      throw err
    }
    for (const entry of batch) {
      if (!entry.renamed) await unlinkIfPresent(entry.tempPath)
      entry.sink.markCommitted()
    }
    await this.syncDir()
    return batch.map(({ sink, file }) => ({ finalPath: file.finalPath, fileName: sink.finalName, bytes: file.bytes, xxh3: file.xxh3 }))
  }

  /**
   * Abandon some sinks (a chunk that will be read again): close them, remove their temp files and
   * forget their names, so the retry can open files of the same names.
   */
  async discard(sinks: readonly DestinationSink[]): Promise<void> {
    for (const sink of sinks.map((s) => this.own(s))) {
      if (sink.committed) throw new RivetError('RIVET_INTERNAL', `sink ${sink.finalName} is committed and cannot be discarded`)
      await sink.abort()
      this.sinks.delete(sink.finalName)
    }
  }

  /**
   * Remove files this run published under final names but never recorded as complete (a crash
   * between the rename and the state update). Only plain names inside this directory are
   * accepted; a missing file is fine. Returns the names removed.
   */
  async removeUnrecorded(fileNames: readonly string[]): Promise<string[]> {
    const removed: string[] = []
    for (const name of fileNames) {
      if (!isPlainName(name)) throw new RivetError('RIVET_INTERNAL', `invalid output file name '${name}'`)
      const file = path.join(this.dir, name)
      try {
        await fs.unlink(file)
        removed.push(name)
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw toDestWriteError(err, 'remove', file)
      }
    }
    return removed
  }

  /** Close every uncommitted sink of this run and remove its temp file. Committed files are kept. */
  async abort(): Promise<void> {
    const results = await Promise.allSettled([...this.sinks.values()].map((sink) => sink.abort()))
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
  }

  /**
   * Seal the run: `manifest-<run_id>.json` (never replaced), then `manifest.json`, then `_SUCCESS`
   * (both replaced atomically by rename), each fsynced before it is published.
   */
  async seal(manifest: RunManifest): Promise<void> {
    const body = manifestBody(manifest)
    await this.writeSmall(runManifestName(manifest.run_id), body, 'create')
    await this.writeSmall(MANIFEST_NAME, body, 'replace')
    await this.writeSmall(SUCCESS_NAME, successBody(manifest), 'replace')
    await this.syncDir()
  }

  /** Create the directory, then write, read back and remove a probe file under `.rivet-doctor/`. */
  async listNames(namePrefix: string): Promise<string[]> {
    try {
      return (await fs.readdir(this.dir)).filter((name) => name.startsWith(namePrefix))
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return []
      throw toDestWriteError(err, 'list', this.dir)
    }
  }

  async isSealed(runId: string): Promise<boolean> {
    try {
      await fs.access(path.join(this.dir, runManifestName(runId)))
      return true
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return false
      throw toDestWriteError(err, 'check', path.join(this.dir, runManifestName(runId)))
    }
  }

  async probe(): Promise<ProbeReport> {
    const probeDir = path.join(this.dir, PROBE_PREFIX)
    const file = path.join(probeDir, `probe-${this.runId}-${randomBytes(4).toString('hex')}`)
    const body = Buffer.from(`rivet destination probe ${new Date().toISOString()}\n`, 'utf8')
    const steps: string[] = []
    try {
      await makeDirectory(probeDir)
      await fs.writeFile(file, body, { flag: 'wx' })
      steps.push(`wrote ${file}`)
      const back = await fs.readFile(file)
      if (!back.equals(body)) throw new RivetError('RIVET_DEST_WRITE', `the probe file ${file} read back different`, { details: { path: file } })
      steps.push('read it back')
      await fs.unlink(file)
      await fs.rmdir(probeDir).catch(() => undefined)
      steps.push('removed it')
    } catch (err) {
      throw err instanceof RivetError ? err : toDestWriteError(err, 'probe', this.dir)
    }
    return { location: this.dir, steps }
  }

  private async writeSmall(name: string, body: Uint8Array, how: 'create' | 'replace'): Promise<void> {
    const finalPath = path.join(this.dir, name)
    const tempPath = path.join(this.dir, tempFileName(name, this.runId))
    try {
      const handle = await fs.open(tempPath, 'wx')
      try {
        await handle.writeFile(body)
        await handle.sync()
      } finally {
        await handle.close()
      }
      if (how === 'replace') {
        await fs.rename(tempPath, finalPath)
        return
      }
      try {
        await fs.link(tempPath, finalPath)
      } catch (err) {
        if (errnoCode(err) === 'EEXIST') throw conflict(finalPath, err)
        if (!NO_HARD_LINKS.has(errnoCode(err) ?? '')) throw err
        await this.assertFree(finalPath)
        await fs.rename(tempPath, finalPath)
        return
      }
      await unlinkIfPresent(tempPath)
    } catch (err) {
      await unlinkIfPresent(tempPath).catch(() => undefined)
      throw err instanceof RivetError ? err : toDestWriteError(err, 'write', finalPath)
    }
  }

  private own(sink: DestinationSink): LocalFileSink {
    const mine = this.sinks.get(sink.finalName)
    if (mine !== sink) throw new RivetError('RIVET_INTERNAL', `sink ${sink.finalName} does not belong to the destination ${this.dir}`)
    return mine
  }

  private requireClosed(sink: LocalFileSink): ClosedFile {
    if (sink.committed || sink.result === undefined) {
      throw new RivetError('RIVET_INTERNAL', `sink ${sink.finalName} must be closed (and not yet committed) before commit`)
    }
    return sink.result
  }

  private async assertFree(finalPath: string): Promise<void> {
    try {
      await fs.lstat(finalPath)
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return
      throw toDestWriteError(err, 'inspect', finalPath)
    }
    throw conflict(finalPath)
  }

  private async publish(entry: Publication): Promise<void> {
    const { tempPath } = entry
    const { finalPath } = entry.file
    try {
      await fs.link(tempPath, finalPath)
      return
    } catch (err) {
      const code = errnoCode(err)
      if (code === 'EEXIST') throw conflict(finalPath, err)
      if (!NO_HARD_LINKS.has(code ?? '')) throw toDestWriteError(err, 'publish', finalPath)
    }
    // No hard links here: check then rename. A file created in between would be replaced; this
    // window is the price of filesystems without link(2), and assertFree already checked once.
    await this.assertFree(finalPath)
    try {
      await fs.rename(tempPath, finalPath)
      entry.renamed = true
    } catch (err) {
      throw toDestWriteError(err, 'publish', finalPath)
    }
  }

  /** Undo a publication of this batch: the final name is ours (created by link or rename just now). */
  private async unpublish(entry: Publication): Promise<void> {
    const { tempPath } = entry
    const { finalPath } = entry.file
    if (entry.renamed) await fs.rename(finalPath, tempPath).catch(() => undefined)
    else await unlinkIfPresent(finalPath).catch(() => undefined)
  }

  private async syncDir(): Promise<void> {
    let handle: fs.FileHandle | undefined
    try {
      // The renames are durable only once the directory entry is on disk.
      handle = await fs.open(this.dir, 'r')
      await handle.sync()
    } catch (err) {
      if (!NO_DIR_FSYNC.has(errnoCode(err) ?? '')) throw toDestWriteError(err, 'sync directory', this.dir)
    } finally {
      await handle?.close()
    }
  }
}

function conflict(finalPath: string, cause?: unknown): RivetError {
  return new RivetError('RIVET_OUTPUT_CONFLICT', `output file ${finalPath} already exists; nothing of this batch was published`, {
    details: { path: finalPath },
    cause,
  })
}

async function unlinkIfPresent(file: string): Promise<void> {
  try {
    await fs.unlink(file)
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw toDestWriteError(err, 'remove', file)
  }
}

