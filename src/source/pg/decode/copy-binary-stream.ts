import type { RecordBatch } from 'apache-arrow'
import { RivetError } from '../../../errors/index.js'
import { readInt32 } from './bytes.js'
import type { PgRowDecoder } from './pg-row-decoder.js'

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00] // PGCOPY\n\377\r\n\0
const HEADER_FIXED = 19 // signature + int32 flags + int32 header-extension length
const FLAG_OIDS = 1 << 16
const LARGE_TUPLE = 64 * 1024

/** Options of a CopyBinaryStream. */
export interface CopyBinaryStreamOptions {
  /** Called with each batch once the builder is `full` (and with the remainder at end()); without it the caller flushes. */
  readonly onBatch?: (batch: RecordBatch) => void
}

/**
 * Decodes the data of `COPY ... TO STDOUT (FORMAT binary)` fed as consecutive CopyData payloads
 * of any size: the header, then tuples (each through the PgRowDecoder), then the int16 -1
 * trailer. Tuples that lie wholly in a chunk are decoded in place; one split across chunks is
 * gathered in a small carry buffer first.
 */
export class CopyBinaryStream {
  /** Tuples decoded so far. */
  rows = 0
  private state: 'header' | 'tuples' | 'done' = 'header'
  private carry = new Uint8Array(0)
  private carryLength = 0

  constructor(
    private readonly decoder: PgRowDecoder,
    private readonly options: CopyBinaryStreamOptions = {},
  ) {}

  /** Feed the next CopyData payload: `chunk[start, end)` (the whole array by default). */
  push(chunk: Uint8Array, start = 0, end = chunk.length): void {
    let pos = this.carryLength > 0 ? this.completeCarry(chunk, start, end) : start
    while (pos < end) {
      if (this.state === 'done') throw protocol('data after the end-of-data trailer')
      const size = this.measure(chunk, pos, end)
      if (size < 0) {
        this.appendCarry(chunk, pos, end)
        return
      }
      this.consume(chunk, pos, size)
      pos += size
    }
  }

  /** The COPY finished: check the data ended exactly after the trailer; ship the remainder if onBatch is set. */
  end(): void {
    if (this.carryLength > 0 || this.state !== 'done') {
      throw protocol(this.state === 'header' ? 'the COPY data ended inside its header' : 'the COPY data ended before its trailer (truncated tuple stream)')
    }
    const batch = this.decoder.batch
    if (this.options.onBatch !== undefined && batch.rows > 0) this.options.onBatch(batch.finishBatch())
  }

  /**
   * Bytes of the unit (header, tuple or trailer) starting at `start` if it lies wholly before
   * `end`; otherwise minus the number of bytes needed to learn more about it.
   */
  private measure(buf: Uint8Array, start: number, end: number): number {
    if (this.state === 'header') {
      if (end - start < HEADER_FIXED) return -HEADER_FIXED
      const extension = readInt32(buf, start + 15)
      if (extension < 0) throw protocol(`invalid COPY header extension length ${extension}`)
      const size = HEADER_FIXED + extension
      return end - start >= size ? size : -size
    }
    if (end - start < 2) return -2
    const fields = (buf[start] << 8) | buf[start + 1]
    if (fields === 0xffff) return 2
    let p = start + 2
    for (let i = 0; i < fields; i++) {
      if (p + 4 > end) return -(p + 4 - start)
      const len = readInt32(buf, p)
      p += 4
      if (len > 0) {
        p += len
        if (p > end) return -(p - start)
      }
    }
    return p - start
  }

  /** Process one complete unit. */
  private consume(buf: Uint8Array, start: number, size: number): void {
    if (this.state === 'header') return this.readHeader(buf, start)
    if (size === 2 && buf[start] === 0xff && buf[start + 1] === 0xff) {
      this.state = 'done'
      return
    }
    this.decoder.decodeRow(buf, start)
    this.rows++
    const onBatch = this.options.onBatch
    // summing the builders' sizes every row costs more than it saves: look every 32 rows, and
    // after any large tuple, so a batch overshoots its byte limit by at most 32 small rows
    if (onBatch !== undefined && this.decoder.batch.isFull((this.rows & 31) === 0 || size > LARGE_TUPLE)) {
      onBatch(this.decoder.batch.finishBatch())
    }
  }

  private readHeader(buf: Uint8Array, start: number): void {
    for (let i = 0; i < SIGNATURE.length; i++) {
      if (buf[start + i] !== SIGNATURE[i]) throw protocol('the COPY data does not start with the binary signature (was FORMAT binary requested?)')
    }
    const flags = readInt32(buf, start + 11)
    if ((flags & FLAG_OIDS) !== 0) throw protocol('COPY data with OIDs is not supported')
    // bits 17-31 are critical: a reader must stop when it does not know one
    if (flags >>> 17 !== 0) throw protocol(`unknown critical COPY header flags 0x${(flags >>> 0).toString(16)}`)
    this.state = 'tuples'
  }

  /** Move bytes from `chunk[start, end)` into the carry until its unit is complete, process it; returns the position reached in `chunk`. */
  private completeCarry(chunk: Uint8Array, start: number, end: number): number {
    let pos = start
    for (;;) {
      const size = this.measure(this.carry, 0, this.carryLength)
      if (size > 0) {
        this.consume(this.carry, 0, size)
        this.carryLength = 0
        return pos
      }
      const take = Math.min(-size - this.carryLength, end - pos)
      if (take <= 0) return pos
      this.appendCarry(chunk, pos, pos + take)
      pos += take
    }
  }

  private appendCarry(buf: Uint8Array, start: number, end: number): void {
    const needed = this.carryLength + (end - start)
    if (needed > this.carry.length) {
      const next = new Uint8Array(Math.max(needed, this.carry.length * 2, 4096))
      next.set(this.carry.subarray(0, this.carryLength))
      this.carry = next
    }
    this.carry.set(buf.subarray(start, end), this.carryLength)
    this.carryLength = needed
  }
}

function protocol(message: string): RivetError {
  return new RivetError('RIVET_SOURCE_PROTOCOL', message)
}
