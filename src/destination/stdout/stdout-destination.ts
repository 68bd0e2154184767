import type { Writable } from 'node:stream'
import { FileChecksum } from '../checksum.js'
import { RivetError } from '../../errors/index.js'
import type { ClosedFile, CommittedFile, Destination, DestinationSink, ProbeReport } from '../types.js'

/**
 * Streams the one file of one export to standard output, for piping. There is nothing to
 * publish, seal or take back: a failed run leaves whatever was already piped and exits non-zero.
 */
export class StdoutDestination implements Destination {
  readonly kind = 'stdout'
  readonly location = 'stdout'
  private sink: StdoutSink | undefined

  constructor(
    readonly runId: string,
    private readonly out: Writable = process.stdout,
  ) {}

  async prepare(): Promise<void> {}

  openSink(finalName: string): StdoutSink {
    if (this.sink !== undefined) {
      throw new RivetError('RIVET_INTERNAL', `the stdout destination takes one file per run; ${finalName} would be the second`)
    }
    this.sink = new StdoutSink(finalName, this.out)
    return this.sink
  }

  async commit(sinks: readonly DestinationSink[]): Promise<CommittedFile[]> {
    return sinks.map((sink) => {
      const file = sink.result
      if (sink !== this.sink || file === undefined) throw new RivetError('RIVET_INTERNAL', `sink ${sink.finalName} must be closed before commit`)
      this.sink.markCommitted()
      return { finalPath: file.finalPath, fileName: sink.finalName, bytes: file.bytes, xxh3: file.xxh3 }
    })
  }

  async discard(): Promise<void> {
    throw new RivetError('RIVET_INTERNAL', 'bytes written to stdout cannot be taken back')
  }

  async removeUnrecorded(): Promise<string[]> {
    return []
  }

  async abort(): Promise<void> {}

  /** No manifest: the reader of the pipe gets the data and the exit code. */
  async seal(): Promise<void> {}

  async listNames(): Promise<string[]> {
    return []
  }

  /** Nothing is sealed on a stream: a run that stopped has nothing to roll forward. */
  async isSealed(): Promise<boolean> {
    return false
  }

  async probe(): Promise<ProbeReport> {
    return { location: this.location, steps: ['standard output needs no probe'] }
  }
}

/** Writes straight to the stream with its backpressure; a closed pipe (EPIPE) fails the run. */
export class StdoutSink implements DestinationSink {
  private bytes = 0
  private readonly hasher = new FileChecksum()
  private closedFile: ClosedFile | undefined
  private isCommitted = false
  private failure: RivetError | undefined

  constructor(
    readonly finalName: string,
    private readonly out: Writable,
  ) {
    out.on('error', (err) => {
      this.failure ??= pipeError(err)
    })
  }

  get result(): ClosedFile | undefined {
    return this.closedFile
  }

  get committed(): boolean {
    return this.isCommitted
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure
    if (this.closedFile) throw new RivetError('RIVET_INTERNAL', `cannot write to ${this.finalName}: the sink is closed`)
    this.hasher.update(bytes)
    this.bytes += bytes.byteLength
    // the stream keeps a reference until it is flushed: hand it a copy the caller cannot reuse
    if (this.out.write(Buffer.from(bytes))) return
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        this.out.off('drain', done)
        this.out.off('error', done)
        this.out.off('close', done)
        if (this.failure) reject(this.failure)
        else resolve()
      }
      this.out.on('drain', done)
      this.out.on('error', done)
      this.out.on('close', done)
    })
  }

  async close(): Promise<ClosedFile> {
    if (this.failure) throw this.failure
    this.closedFile ??= { finalPath: 'stdout', bytes: this.bytes, xxh3: this.hasher.hex() }
    return this.closedFile
  }

  async abort(): Promise<void> {}

  markCommitted(): void {
    this.isCommitted = true
  }
}

function pipeError(err: unknown): RivetError {
  const code = (err as { code?: unknown } | null)?.code
  const message = code === 'EPIPE' ? 'standard output was closed by the reading process' : `cannot write to standard output: ${String((err as Error)?.message ?? err)}`
  return new RivetError('RIVET_DEST_WRITE', message, { hint: 'keep the reading end of the pipe open until rivet exits', details: { code: typeof code === 'string' ? code : undefined }, cause: err })
}
