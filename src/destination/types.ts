/** A sink's file after close: written, fsynced, still under its temporary name. */
export interface ClosedFile {
  readonly tempPath: string
  /** Absolute path the file will have once committed. */
  readonly finalPath: string
  readonly bytes: number
  /** xxh3-64 of the bytes written: 16 lowercase hex characters. */
  readonly xxh3: string
}

/** A file published under its final name. */
export interface CommittedFile {
  /** Absolute final path. */
  readonly finalPath: string
  readonly fileName: string
  readonly bytes: number
  readonly xxh3: string
}
