import { randomBytes } from 'node:crypto'
import { RivetError } from '../../errors/index.js'
import { isPlainName } from '../naming.js'
import type { CommittedFile, Destination, DestinationSink, ProbeReport, RunManifest } from '../types.js'
import { MANIFEST_NAME, PROBE_PREFIX, SUCCESS_NAME, manifestBody, runManifestName, successBody } from '../types.js'
import { ObjectSink } from './object-sink.js'
import type { ObjectStore } from './types.js'

export interface ObjectStoreDestinationOptions {
  readonly store: ObjectStore
  /** Key prefix with placeholders already expanded; '' for the bucket root. */
  readonly prefix: string
  readonly runId: string
}

/**
 * Writes output files into a bucket under a prefix. Each file streams to its final key (the
 * object appears only when its upload completes); the run becomes complete with the manifests
 * and `_SUCCESS` that seal() writes last. Only objects this run created are ever deleted.
 */
export class ObjectStoreDestination implements Destination {
  readonly kind: 's3' | 'gcs'
  readonly runId: string
  readonly location: string
  private readonly store: ObjectStore
  private readonly prefix: string
  private readonly sinks = new Map<string, ObjectSink>()

  constructor(options: ObjectStoreDestinationOptions) {
    this.store = options.store
    this.kind = options.store.scheme === 's3' ? 's3' : 'gcs'
    this.runId = options.runId
    this.prefix = normalizePrefix(options.prefix)
    this.location = options.store.url(this.prefix)
  }

  /**
   * Nothing to create in a bucket, but one metadata request before the source is read catches an
   * unreachable endpoint and refused credentials early (and, on GCS, a missing bucket). It needs
   * no permission beyond what the conflict check of every upload needs anyway.
   */
  async prepare(): Promise<void> {
    await this.store.exists(this.prefix + SUCCESS_NAME)
  }

  openSink(finalName: string): ObjectSink {
    if (!isPlainName(finalName)) throw new RivetError('RIVET_INTERNAL', `invalid output file name '${finalName}'`)
    if (this.sinks.has(finalName)) throw new RivetError('RIVET_INTERNAL', `output file ${finalName} was opened twice in run ${this.runId}`)
    const sink = new ObjectSink(finalName, this.prefix + finalName, this.store)
    this.sinks.set(finalName, sink)
    return sink
  }

  /** The objects already exist (an upload completes on close): committing makes them part of the run. */
  async commit(sinks: readonly DestinationSink[]): Promise<CommittedFile[]> {
    const own = sinks.map((sink) => this.own(sink))
    return own.map((sink) => {
      const file = sink.result
      if (file === undefined || sink.committed) throw new RivetError('RIVET_INTERNAL', `sink ${sink.finalName} must be closed (and not yet committed) before commit`)
      sink.markCommitted()
      return { finalPath: file.finalPath, fileName: sink.finalName, bytes: file.bytes, xxh3: file.xxh3 }
    })
  }

  async discard(sinks: readonly DestinationSink[]): Promise<void> {
    for (const sink of sinks.map((s) => this.own(s))) {
      if (sink.committed) throw new RivetError('RIVET_INTERNAL', `sink ${sink.finalName} is committed and cannot be discarded`)
      await sink.abort()
      this.sinks.delete(sink.finalName)
    }
  }

  async removeUnrecorded(fileNames: readonly string[]): Promise<string[]> {
    const removed: string[] = []
    for (const name of fileNames) {
      if (!isPlainName(name)) throw new RivetError('RIVET_INTERNAL', `invalid output file name '${name}'`)
      if (!(await this.store.exists(this.prefix + name))) continue
      await this.store.remove(this.prefix + name)
      removed.push(name)
    }
    return removed
  }

  async abort(): Promise<void> {
    const results = await Promise.allSettled([...this.sinks.values()].map((sink) => sink.abort()))
    await this.store.close()
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
  }

  async seal(manifest: RunManifest): Promise<void> {
    const json = { contentType: 'application/json', ifAbsent: false }
    await this.store.put(this.prefix + runManifestName(manifest.run_id), manifestBody(manifest), { ...json, ifAbsent: true })
    await this.store.put(this.prefix + MANIFEST_NAME, manifestBody(manifest), json)
    await this.store.put(this.prefix + SUCCESS_NAME, successBody(manifest), json)
    await this.store.close()
  }

  async listNames(namePrefix: string): Promise<string[]> {
    // names only: an object below a further '/' is not one of this destination's files
    return (await this.store.list(this.prefix + namePrefix)).map((key) => key.slice(this.prefix.length)).filter((name) => !name.includes('/'))
  }

  async isSealed(runId: string): Promise<boolean> {
    return this.store.exists(this.prefix + runManifestName(runId))
  }

  async probe(): Promise<ProbeReport> {
    const key = `${this.prefix}${PROBE_PREFIX}probe-${this.runId}-${randomBytes(4).toString('hex')}`
    const url = this.store.url(key)
    const body = Buffer.from(`rivet destination probe ${new Date().toISOString()}\n`, 'utf8')
    const steps: string[] = []
    try {
      await this.store.put(key, body, { contentType: 'text/plain', ifAbsent: true })
      steps.push(`wrote ${url}`)
      const back = await this.store.read(key)
      if (back === null || !back.equals(body)) {
        throw new RivetError('RIVET_DEST_WRITE', `the probe object ${url} read back ${back === null ? 'missing' : 'different'}`, { details: { url } })
      }
      steps.push('read it back')
      await this.store.remove(key)
      steps.push('removed it')
      return { location: this.location, steps }
    } finally {
      await this.store.close()
    }
  }

  private own(sink: DestinationSink): ObjectSink {
    const mine = this.sinks.get(sink.finalName)
    if (mine !== sink) throw new RivetError('RIVET_INTERNAL', `sink ${sink.finalName} does not belong to the destination ${this.location}`)
    return mine
  }
}

/** '' stays ''; otherwise no leading slash and exactly one trailing slash. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '').replace(/\/+$/, '')
  return trimmed === '' ? '' : `${trimmed}/`
}
