/** A sink's file after close: every byte written and made durable, not yet published. */
export interface ClosedFile {
  /** Where the file lives once committed: an absolute path, or an `s3://` / `gs://` URL. */
  readonly finalPath: string
  readonly bytes: number
  /** xxh3-64 of the bytes written: 16 lowercase hex characters. */
  readonly xxh3: string
}

/** A file published under its final name. */
export interface CommittedFile {
  /** Absolute final path or object URL. */
  readonly finalPath: string
  readonly fileName: string
  readonly bytes: number
  readonly xxh3: string
}

/** One output file being written. The destination's commit() publishes it. */
export interface DestinationSink {
  readonly finalName: string
  /** The closed file once close() has resolved; undefined before. */
  readonly result: ClosedFile | undefined
  /** Whether commit() has published this file. */
  readonly committed: boolean
  /** Append bytes. The caller may reuse `bytes` once this resolves. */
  write(bytes: Uint8Array): Promise<void>
  /** Finish writing and make the bytes durable. Idempotent. */
  close(): Promise<ClosedFile>
  /** Drop an uncommitted file and whatever it left behind. Never throws for what is already gone. */
  abort(): Promise<void>
}

/** One column of the manifest's schema. */
export interface ManifestColumn {
  readonly name: string
  /** Rivet's type name, e.g. `int64`, `decimal(18,4)`, `timestamp_tz`. */
  readonly type: string
  /** The Arrow type written, e.g. `Int64`, `Timestamp<MICROSECOND, UTC>`. */
  readonly arrow_type: string
  readonly nullable: boolean
  /** The source's own spelling of the type. */
  readonly source_type: string
}

/** One data file of a run, as the manifest lists it. */
export interface ManifestFile {
  /** File name relative to the manifest's directory or prefix. */
  readonly name: string
  readonly rows: number
  readonly bytes: number
  readonly xxh3: string
  /** Chunk number of a chunked export; absent otherwise. */
  readonly chunk?: number
  /** The run that wrote the file, when it is not the manifest's run (a repair run carries its original's files). */
  readonly run_id?: string
}

/** What `manifest.json` and `manifest-<run_id>.json` say about a completed run. */
export interface RunManifest {
  readonly manifest_version: 1
  readonly export: string
  readonly run_id: string
  readonly mode: string
  readonly format: 'parquet' | 'csv'
  readonly compression: string
  readonly started_at: string
  readonly finished_at: string
  readonly rivet_version: string
  readonly rows: number
  readonly bytes: number
  /** Checksum algorithm of `files[].xxh3`: xxh3-64 with seed 0, as 16 hex digits. */
  readonly checksum: 'xxh3-64'
  readonly files: readonly ManifestFile[]
  readonly schema: { readonly columns: readonly ManifestColumn[] }
  /**
   * Set on a repair run (`rivet repair --execute`): the run whose chunks it read again. Its
   * `files` are the whole export — its own files for those chunks, the original's for the rest.
   */
  readonly repair_of?: string
}

/** What a destination probe found: where it wrote, and each step it took. */
export interface ProbeReport {
  readonly location: string
  readonly steps: readonly string[]
}

/** Kinds of destination. */
export type DestinationKind = 'local' | 's3' | 'gcs' | 'stdout'

/**
 * Where one run of one export writes its files. Every kind follows the same protocol: data files
 * are written and committed first, then seal() writes `manifest-<run_id>.json`, `manifest.json`
 * and `_SUCCESS`, in that order. A run that fails never reaches seal(), so it never leaves
 * `_SUCCESS`; abort() removes what the run wrote and did not commit, and nothing else.
 */
export interface Destination {
  readonly kind: DestinationKind
  readonly runId: string
  /** Human-readable location: a directory, `s3://bucket/prefix/`, `gs://bucket/prefix/` or `stdout`. */
  readonly location: string
  /** Check what can be checked before the first byte is read from the source. */
  prepare(): Promise<void>
  /** Start a file that will be published as `finalName`. */
  openSink(finalName: string): DestinationSink
  /** Publish closed sinks under their final names, never replacing an existing file. */
  commit(sinks: readonly DestinationSink[]): Promise<CommittedFile[]>
  /** Abandon some uncommitted sinks (a chunk read again) and forget their names. */
  discard(sinks: readonly DestinationSink[]): Promise<void>
  /** Remove files this run published but never recorded as complete. Returns the names removed. */
  removeUnrecorded(fileNames: readonly string[]): Promise<string[]>
  /** Abort every uncommitted sink of this run. Committed files are kept. */
  abort(): Promise<void>
  /** Write the run's manifests, then `_SUCCESS`. Called once, after every file is committed. */
  seal(manifest: RunManifest): Promise<void>
  /** Prove the destination is reachable and writable: write, read back and remove a probe object. */
  probe(): Promise<ProbeReport>
  /** Names (relative to the destination) of the published files whose name starts with `namePrefix`. */
  listNames(namePrefix: string): Promise<string[]>
  /** Whether the run's own manifest (`manifest-<run_id>.json`) is in place: the run was sealed here. */
  isSealed(runId: string): Promise<boolean>
}

/** File names the commit protocol reserves next to the data files. */
export const MANIFEST_NAME = 'manifest.json'
export const SUCCESS_NAME = '_SUCCESS'
export const PROBE_PREFIX = '.rivet-doctor/'

/** Name of the immutable manifest of one run. */
export function runManifestName(runId: string): string {
  return `manifest-${runId}.json`
}

/** The `_SUCCESS` marker's body: which run it seals and where that run's manifest is. */
export function successBody(manifest: RunManifest): Uint8Array {
  const body = { run_id: manifest.run_id, export: manifest.export, manifest: runManifestName(manifest.run_id), finished_at: manifest.finished_at }
  return Buffer.from(`${JSON.stringify(body)}\n`, 'utf8')
}

/** The manifest as written: pretty JSON with a trailing newline. */
export function manifestBody(manifest: RunManifest): Uint8Array {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8')
}
