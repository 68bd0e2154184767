import { RivetError } from '../errors/index.js'

/**
 * Rivet's compressed CSV files are concatenations of independent frames (one per batch). These
 * walkers find where each frame ends from its headers alone, so a file can be decompressed one
 * frame at a time: memory stays at about one batch, whatever the file size.
 */

/** Walks one frame from its first byte; keeps its place between calls as bytes arrive. */
export interface FrameWalker {
  /** The frame's total length once its headers say it, else null (more bytes needed). `frame` starts at the frame's first byte. */
  advance(frame: Uint8Array): number | null
  /** Start over at the next frame. */
  reset(): void
}

const ZSTD_MAGIC = 0xfd2fb528
const LZ4_MAGIC = 0x184d2204
/** Skippable frames (both formats): magic 0x184D2A50..0x184D2A5F, a 4-byte length, then that many bytes. */
const SKIPPABLE_MASK = 0xfffffff0
const SKIPPABLE_MAGIC = 0x184d2a50

function u32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0
}

function notAFrame(format: string, magic: number): RivetError {
  return new RivetError('RIVET_VALIDATE_MISMATCH', `the data is not a ${format} frame (it starts with 0x${magic.toString(16).padStart(8, '0')})`)
}

/** A walker that reads the frame header once, then the blocks, until `total` is known. */
abstract class BlockWalker implements FrameWalker {
  protected pos = 0
  protected headerRead = false
  protected trailer = 0
  private total: number | null = null

  advance(frame: Uint8Array): number | null {
    if (this.total !== null) return this.total
    if (!this.headerRead) {
      if (frame.length < 8) return null
      const magic = u32(frame, 0)
      if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) return (this.total = 8 + u32(frame, 4))
      if (!this.readHeader(frame, magic)) return null
      this.headerRead = true
    }
    this.total = this.walkBlocks(frame)
    return this.total
  }

  reset(): void {
    this.pos = 0
    this.headerRead = false
    this.trailer = 0
    this.total = null
  }

  /** Parse the header (at least 8 bytes given); false when more bytes are needed. Sets pos and trailer. */
  protected abstract readHeader(frame: Uint8Array, magic: number): boolean
  /** Step over complete block headers from pos; the total once the last block is seen, else null. */
  protected abstract walkBlocks(frame: Uint8Array): number | null
}

/** Zstandard frames (RFC 8878): header, blocks with 3-byte headers, optional 4-byte checksum. */
export class ZstdFrameWalker extends BlockWalker {
  protected readHeader(frame: Uint8Array, magic: number): boolean {
    if (magic !== ZSTD_MAGIC) throw notAFrame('zstd', magic)
    const descriptor = frame[4]!
    const singleSegment = (descriptor >> 5) & 1
    const contentSizeBytes = [singleSegment === 1 ? 1 : 0, 2, 4, 8][descriptor >> 6]!
    const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 3]!
    this.pos = 5 + (singleSegment === 1 ? 0 : 1) + dictionaryIdBytes + contentSizeBytes
    this.trailer = (descriptor >> 2) & 1 ? 4 : 0
    return true
  }

  protected walkBlocks(frame: Uint8Array): number | null {
    while (frame.length >= this.pos + 3) {
      const header = frame[this.pos]! | (frame[this.pos + 1]! << 8) | (frame[this.pos + 2]! << 16)
      const type = (header >> 1) & 3
      if (type === 3) throw new RivetError('RIVET_VALIDATE_MISMATCH', `zstd block of reserved type at offset ${this.pos}`)
      // an RLE block stores one byte, repeated `size` times when decoded
      this.pos += 3 + (type === 1 ? 1 : header >>> 3)
      if ((header & 1) === 1) return this.pos + this.trailer
    }
    return null
  }
}

/** LZ4 frames: header, blocks with 4-byte sizes (optional block checksums), end mark, optional checksum. */
export class Lz4FrameWalker extends BlockWalker {
  private blockTrailer = 0

  protected readHeader(frame: Uint8Array, magic: number): boolean {
    if (magic !== LZ4_MAGIC) throw notAFrame('LZ4', magic)
    const flags = frame[4]!
    const headerLength = 4 + 2 + (flags & 0x08 ? 8 : 0) + (flags & 0x01 ? 4 : 0) + 1
    if (frame.length < headerLength) return false
    this.pos = headerLength
    this.blockTrailer = flags & 0x10 ? 4 : 0
    this.trailer = flags & 0x04 ? 4 : 0
    return true
  }

  protected walkBlocks(frame: Uint8Array): number | null {
    while (frame.length >= this.pos + 4) {
      const size = u32(frame, this.pos)
      if (size === 0) return this.pos + 4 + this.trailer
      // the high bit marks an uncompressed block; the rest is its length
      this.pos += 4 + (size & 0x7fffffff) + this.blockTrailer
    }
    return null
  }
}

/**
 * Cuts a byte stream of concatenated frames into whole frames. Bytes are appended to one growing
 * buffer (doubling), and a completed frame is handed out as a view: the consumer must be done with
 * it before asking for the next (the generator resumes only then).
 */
export class FrameSplitter {
  private buffer = new Uint8Array(1 << 16)
  private length = 0

  constructor(private readonly walker: FrameWalker) {}

  /** Add bytes; yields each frame they complete. */
  *push(chunk: Uint8Array): Generator<Uint8Array> {
    this.append(chunk)
    for (;;) {
      const total = this.walker.advance(this.buffer.subarray(0, this.length))
      if (total === null || total > this.length) return
      yield this.buffer.subarray(0, total)
      this.buffer.copyWithin(0, total, this.length)
      this.length -= total
      this.walker.reset()
    }
  }

  /** Bytes left that do not make a whole frame (a cut-off file); 0 at a clean end. */
  get leftover(): number {
    return this.length
  }

  private append(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.buffer.length) {
      let size = this.buffer.length
      while (size < this.length + chunk.length) size *= 2
      const grown = new Uint8Array(size)
      grown.set(this.buffer.subarray(0, this.length))
      this.buffer = grown
    }
    this.buffer.set(chunk, this.length)
    this.length += chunk.length
  }
}
