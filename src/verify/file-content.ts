import { once } from 'node:events'
import { createGunzip } from 'node:zlib'
import { decompress as zstdDecompress } from '@mongodb-js/zstd'
import { decompressFrame as lz4Decompress } from 'lz4-napi'
import { FileChecksum } from '../destination/index.js'
import { RivetError, toRivetError } from '../errors/index.js'
import { CsvRecordCounter } from './csv-rows.js'
import { FrameSplitter, Lz4FrameWalker, ZstdFrameWalker } from './frames.js'
import { PARQUET_TAIL_BYTES, parquetFooterLength, parquetFooterRows } from './parquet-rows.js'
import type { StoredFiles } from './stored-files.js'

/** What to read from one stored file. */
export interface ContentRequest {
  readonly name: string
  /** The file's size, already checked against the manifest. */
  readonly bytes: number
  readonly format: 'parquet' | 'csv'
  /** CSV: how the file is compressed (Parquet compresses inside the file). */
  readonly compression: string
}

/** What the file's bytes say: their xxh3-64, and the rows they hold or why they cannot be counted. */
export interface ContentFacts {
  readonly xxh3: string
  readonly rows: number | RivetError
}

/**
 * Read a stored file once, streaming: its xxh3-64 and, for CSV, its records counted on the way
 * (decompressed one frame or block at a time). Parquet rows come from the footer alone. Bytes that
 * cannot be read as the format says give a RIVET_VALIDATE_MISMATCH error in place of the rows; the
 * checksum still covers every byte. Failures to read the store itself are thrown.
 */
export async function inspectFile(files: StoredFiles, request: ContentRequest): Promise<ContentFacts> {
  const stream = await files.stream(request.name)
  if (stream === null) throw new RivetError('RIVET_VALIDATE_MISMATCH', `${request.name} disappeared while it was being read`)
  const checksum = new FileChecksum()
  const counter = request.format === 'csv' ? new CsvRecordCounter() : null
  let text = counter === null ? null : csvTextSink(request.compression, (bytes) => counter.update(bytes))
  let failure: RivetError | null = null
  for await (const chunk of stream) {
    checksum.update(chunk)
    try {
      await text?.write(chunk)
    } catch (err) {
      // the rest of the file is still hashed; only the counting stops
      failure = contentError(err)
      text = null
    }
  }
  try {
    await text?.end()
  } catch (err) {
    failure = contentError(err)
  }
  if (counter === null) return { xxh3: checksum.hex(), rows: await parquetRows(files, request).catch(contentError) }
  if (failure === null && counter.insideQuotes) failure = new RivetError('RIVET_VALIDATE_MISMATCH', 'the file ends inside a quoted CSV field')
  return { xxh3: checksum.hex(), rows: failure ?? counter.rows() }
}

/** A failure to make sense of the bytes, as a value; a store that cannot be reached is still thrown. */
function contentError(err: unknown): RivetError {
  const error = toRivetError(err, 'RIVET_VALIDATE_MISMATCH')
  if (error.retryable) throw error
  return error
}

/** The rows a Parquet file's footer states: two small reads at the end of the file. */
export async function parquetRows(files: StoredFiles, request: Pick<ContentRequest, 'name' | 'bytes'>): Promise<number> {
  const tail = await files.readRange(request.name, request.bytes - PARQUET_TAIL_BYTES, PARQUET_TAIL_BYTES)
  if (tail === null) throw new RivetError('RIVET_VALIDATE_MISMATCH', `${request.name} disappeared while it was being read`)
  const length = parquetFooterLength(tail, request.bytes)
  const footer = await files.readRange(request.name, request.bytes - PARQUET_TAIL_BYTES - length, length)
  if (footer === null || footer.length !== length) throw new RivetError('RIVET_VALIDATE_MISMATCH', `${request.name}: the Parquet footer could not be read in full`)
  return parquetFooterRows(footer)
}

/** Takes a file's bytes as stored and hands on the CSV text. */
interface TextSink {
  write(chunk: Uint8Array): Promise<void>
  end(): Promise<void>
}

/** Decompress CSV as the writer compressed it: independent zstd / LZ4 frames or gzip members, back to back. */
export function csvTextSink(compression: string, onText: (bytes: Uint8Array) => void): TextSink {
  switch (compression) {
    case 'none':
      return { write: async (chunk) => onText(chunk), end: async () => undefined }
    case 'gzip':
      return gzipSink(onText)
    case 'zstd':
      return frameSink(new FrameSplitter(new ZstdFrameWalker()), 'zstd', async (frame) => zstdDecompress(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)), onText)
    case 'lz4':
      return frameSink(new FrameSplitter(new Lz4FrameWalker()), 'LZ4', async (frame) => lz4Decompress(frame), onText)
    default:
      throw new RivetError('RIVET_VALIDATE_MISMATCH', `unknown CSV compression '${compression}'`)
  }
}

function frameSink(splitter: FrameSplitter, format: string, decode: (frame: Uint8Array) => Promise<Uint8Array>, onText: (bytes: Uint8Array) => void): TextSink {
  return {
    async write(chunk) {
      for (const frame of splitter.push(chunk)) {
        try {
          onText(await decode(frame))
        } catch (err) {
          throw new RivetError('RIVET_VALIDATE_MISMATCH', `a ${format} frame cannot be decompressed: ${(err as Error).message}`, { cause: err })
        }
      }
    },
    async end() {
      if (splitter.leftover > 0) throw new RivetError('RIVET_VALIDATE_MISMATCH', `the file ends with ${splitter.leftover} byte(s) of an incomplete ${format} frame`)
    },
  }
}

/** gzip through zlib, which reads concatenated members as one stream. */
function gzipSink(onText: (bytes: Uint8Array) => void): TextSink {
  const gunzip = createGunzip()
  let failure: Error | null = null
  gunzip.on('data', (bytes: Buffer) => onText(bytes))
  gunzip.on('error', (err) => (failure ??= err))
  const fail = (err: unknown) => new RivetError('RIVET_VALIDATE_MISMATCH', `the gzip data cannot be decompressed: ${(err as Error).message}`, { cause: err })
  return {
    async write(chunk) {
      if (failure !== null) throw fail(failure)
      // once() rejects on 'error', so a failure while waiting is not missed
      if (!gunzip.write(chunk)) await once(gunzip, 'drain').catch((err: unknown) => Promise.reject(fail(err)))
    },
    async end() {
      if (failure !== null) throw fail(failure)
      const ended = once(gunzip, 'end')
      gunzip.end()
      await ended.catch((err: unknown) => Promise.reject(fail(err)))
    },
  }
}
