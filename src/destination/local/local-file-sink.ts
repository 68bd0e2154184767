import fs, { type FileHandle } from 'node:fs/promises'
import { FileChecksum } from '../checksum.js'
import { RivetError } from '../../errors/index.js'
import type { ClosedFile, DestinationSink } from '../types.js'
import { errnoCode, toDestWriteError } from './fs-errors.js'

type SinkState = 'open' | 'closed' | 'committed' | 'aborted'

/** One output file being written under a temporary name; LocalDestination.commit publishes it. */
export class LocalFileSink implements DestinationSink {
  readonly finalName: string
  readonly tempPath: string
  readonly finalPath: string
  private state: SinkState = 'open'
  private handle: FileHandle | undefined
  private readonly hasher = new FileChecksum()
  private bytes = 0
  // Writes run one after another in call order; a failed write fails every later one too.
  private tail: Promise<void> = Promise.resolve()
  private closing: Promise<ClosedFile> | undefined
  private closedFile: ClosedFile | undefined

  /** Created by LocalDestination.openSink; opens the temp file lazily on first write or close. */
  constructor(finalName: string, tempPath: string, finalPath: string) {
    this.finalName = finalName
    this.tempPath = tempPath
    this.finalPath = finalPath
  }

  /** The closed file (paths, byte count, xxh3), once close() has resolved; undefined before. */
  get result(): ClosedFile | undefined {
    return this.closedFile
  }

  /** Whether commit() has published this file. */
  get committed(): boolean {
    return this.state === 'committed'
  }

  /** Append bytes to the temp file and to the running xxh3. The caller may reuse `bytes` once this resolves. */
  write(bytes: Uint8Array): Promise<void> {
    if (this.state !== 'open' || this.closing) return Promise.reject(this.misuse('write to'))
    const next = this.tail.then(() => this.writeNow(bytes))
    this.tail = next
    return next
  }

  /** Finish writing: fsync and close the temp file. Idempotent. */
  close(): Promise<ClosedFile> {
    if (this.state === 'aborted') return Promise.reject(this.misuse('close'))
    this.closing ??= this.closeNow()
    return this.closing
  }

  /** Close the handle and remove the temp file, unless the file was committed. Never throws for a missing file. */
  async abort(): Promise<void> {
    if (this.state === 'committed' || this.state === 'aborted') return
    this.state = 'aborted'
    await this.tail.catch(() => undefined)
    await this.closing?.catch(() => undefined)
    await this.handle?.close().catch(() => undefined)
    this.handle = undefined
    try {
      await fs.unlink(this.tempPath)
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw toDestWriteError(err, 'remove', this.tempPath)
    }
  }

  /** Called by LocalDestination once the file is under its final name. */
  markCommitted(): void {
    this.state = 'committed'
  }

  private async writeNow(bytes: Uint8Array): Promise<void> {
    if (bytes.byteLength === 0) return
    const handle = await this.open()
    try {
      let offset = 0
      // FileHandle.write may write less than asked (rare for regular files): loop until done.
      while (offset < bytes.byteLength) {
        const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset, null)
        offset += bytesWritten
      }
    } catch (err) {
      throw toDestWriteError(err, 'write', this.tempPath)
    }
    this.hasher.update(bytes)
    this.bytes += bytes.byteLength
  }

  private async open(): Promise<FileHandle> {
    if (this.handle) return this.handle
    try {
      // 'wx': never truncate an existing file; a leftover temp of this run id means a bug or a reused id.
      this.handle = await fs.open(this.tempPath, 'wx')
    } catch (err) {
      throw toDestWriteError(err, 'create', this.tempPath)
    }
    return this.handle
  }

  private async closeNow(): Promise<ClosedFile> {
    try {
      await this.tail
    } catch (err) {
      // The file is incomplete: release the handle and report the write error; abort() removes it.
      await this.handle?.close().catch(() => undefined)
      this.handle = undefined
      throw err
    }
    const handle = await this.open()
    try {
      // fsync before publishing: a renamed file must never turn out empty after a crash.
      await handle.sync()
      await handle.close()
    } catch (err) {
      await handle.close().catch(() => undefined)
      throw toDestWriteError(err, 'flush', this.tempPath)
    } finally {
      this.handle = undefined
    }
    if (this.state === 'open') this.state = 'closed'
    this.closedFile = {
      finalPath: this.finalPath,
      bytes: this.bytes,
      xxh3: this.hasher.hex(),
    }
    return this.closedFile
  }

  private misuse(verb: string): RivetError {
    return new RivetError('RIVET_INTERNAL', `cannot ${verb} ${this.finalName}: the sink is ${this.closing ? 'closed' : this.state}`, {
      details: { tempPath: this.tempPath },
    })
  }
}
