import { RivetError } from '../../errors/index.js'
import { FileChecksum } from '../checksum.js'
import type { ClosedFile, DestinationSink } from '../types.js'
import type { ObjectStore, ObjectUpload } from './types.js'

type SinkState = 'open' | 'closed' | 'committed' | 'aborted'

/** Content type of an output file, from its name. */
export function contentTypeOf(name: string): string {
  if (name.endsWith('.parquet')) return 'application/vnd.apache.parquet'
  if (name.endsWith('.csv')) return 'text/csv'
  if (name.endsWith('.json')) return 'application/json'
  return 'application/octet-stream'
}

/**
 * One output file streamed straight to its final key. The upload starts on the first write, after
 * checking that the key is free; the object exists once close() resolves. abort() stops an
 * unfinished upload, or deletes the object if it was completed by this sink and never committed.
 */
export class ObjectSink implements DestinationSink {
  private state: SinkState = 'open'
  private upload: ObjectUpload | undefined
  private completed = false
  private readonly hasher = new FileChecksum()
  private bytes = 0
  private tail: Promise<void> = Promise.resolve()
  private closing: Promise<ClosedFile> | undefined
  private closedFile: ClosedFile | undefined

  constructor(
    readonly finalName: string,
    readonly key: string,
    private readonly store: ObjectStore,
  ) {}

  get result(): ClosedFile | undefined {
    return this.closedFile
  }

  get committed(): boolean {
    return this.state === 'committed'
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.state !== 'open' || this.closing) return Promise.reject(this.misuse('write to'))
    const next = this.tail.then(() => this.writeNow(bytes))
    this.tail = next
    return next
  }

  close(): Promise<ClosedFile> {
    if (this.state === 'aborted') return Promise.reject(this.misuse('close'))
    this.closing ??= this.closeNow()
    return this.closing
  }

  async abort(): Promise<void> {
    if (this.state === 'committed' || this.state === 'aborted') return
    this.state = 'aborted'
    await this.tail.catch(() => undefined)
    await this.closing?.catch(() => undefined)
    if (this.completed) await this.store.remove(this.key)
    else await this.upload?.abort()
  }

  /** Called by the destination once the file is part of the run. */
  markCommitted(): void {
    this.state = 'committed'
  }

  private async writeNow(bytes: Uint8Array): Promise<void> {
    if (bytes.byteLength === 0) return
    const upload = await this.start()
    this.hasher.update(bytes)
    this.bytes += bytes.byteLength
    await upload.write(bytes)
  }

  private async start(): Promise<ObjectUpload> {
    if (this.upload) return this.upload
    const url = this.store.url(this.key)
    if (await this.store.exists(this.key)) {
      throw new RivetError('RIVET_OUTPUT_CONFLICT', `output file ${url} already exists; Rivet does not replace existing objects`, { details: { path: url } })
    }
    this.upload = this.store.startUpload(this.key, { contentType: contentTypeOf(this.finalName), ifAbsent: true })
    return this.upload
  }

  private async closeNow(): Promise<ClosedFile> {
    await this.tail
    const upload = await this.start()
    await upload.end()
    this.completed = true
    if (this.state === 'open') this.state = 'closed'
    this.closedFile = { finalPath: this.store.url(this.key), bytes: this.bytes, xxh3: this.hasher.hex() }
    return this.closedFile
  }

  private misuse(verb: string): RivetError {
    return new RivetError('RIVET_INTERNAL', `cannot ${verb} ${this.finalName}: the sink is ${this.closing ? 'closed' : this.state}`, { details: { key: this.key } })
  }
}
