/** A streaming upload of one object; the object appears under its key only when end() resolves. */
export interface ObjectUpload {
  /**
   * Queue bytes for upload. Resolves when the upload can take more (backpressure), rejects with
   * the upload's failure. The upload keeps its own copy: the caller may reuse `chunk` at once.
   */
  write(chunk: Uint8Array): Promise<void>
  /** Send what is left and complete the object. */
  end(): Promise<void>
  /** Stop an unfinished upload and release what the store holds for it. Never throws. */
  abort(): Promise<void>
}

/**
 * The few operations the object-store destination needs from a bucket. Implementations map the
 * store's errors to RivetError: RIVET_DEST_WRITE (retryable: network, throttling, 5xx),
 * RIVET_DEST_AUTH (credentials refused), RIVET_DEST_INVALID (no such bucket, bad endpoint) and
 * RIVET_OUTPUT_CONFLICT (an `ifAbsent` write found the key taken).
 */
export interface ObjectStore {
  /** `s3` or `gs`: the URL scheme of this store's object URLs. */
  readonly scheme: 's3' | 'gs'
  readonly bucket: string
  /** `scheme://bucket/key`. */
  url(key: string): string
  /** Whether an object exists under `key`. */
  exists(key: string): Promise<boolean>
  /** Start a streaming (multipart/resumable) upload to `key`. With `ifAbsent`, completing fails if the key exists, where the store can check that atomically. */
  startUpload(key: string, options: { readonly contentType: string; readonly ifAbsent: boolean }): ObjectUpload
  /** Write a small object in one request. With `ifAbsent`, fail with RIVET_OUTPUT_CONFLICT if the key exists (atomically where the store can). */
  put(key: string, body: Uint8Array, options: { readonly contentType: string; readonly ifAbsent: boolean }): Promise<void>
  /** The object's bytes, or null when there is none. */
  read(key: string): Promise<Buffer | null>
  /** The object's size in bytes, or null when there is none. */
  stat(key: string): Promise<{ readonly bytes: number } | null>
  /** The object's bytes as a stream (for large objects), or null when there is none. Errors while streaming are mapped like the others. */
  readStream(key: string): Promise<AsyncIterable<Uint8Array> | null>
  /** `length` bytes from offset `start` (fewer at the object's end), or null when there is none. */
  readRange(key: string, start: number, length: number): Promise<Buffer | null>
  /** Keys of the objects whose key starts with `prefix` (every page of the listing). */
  list(prefix: string): Promise<string[]>
  /** Delete an object; a missing object is fine. */
  remove(key: string): Promise<void>
  /** Release connections. */
  close(): Promise<void>
}
