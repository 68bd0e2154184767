import xxhash from 'xxhash-addon'

const { XXHash3 } = xxhash
// Seed 0, the value XXHash3.hash() uses. The seed must be passed explicitly:
// `new XXHash3()` without an argument crashes the process in xxhash-addon 2.1.0.
const ZERO_SEED = Buffer.alloc(8)

/** A running xxh3-64 of an output file's bytes; `hex()` gives the 16 lowercase hex digits recorded everywhere. */
export class FileChecksum {
  private readonly hasher = new XXHash3(ZERO_SEED)

  /** Add bytes (hashed in place, not copied). */
  update(bytes: Uint8Array): void {
    this.hasher.update(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  }

  hex(): string {
    return this.hasher.digest().toString('hex')
  }
}
