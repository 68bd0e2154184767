import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import type { FileMetaData } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import type { RivetType } from '../../../src/types/index.js'
import { ParquetFileAssembler, encodeParquetRowGroup, type ParquetEncodeOptions } from '../../../src/format/parquet/index.js'
import { batchIpc, type FixtureColumn } from './arrow-fixtures.js'
import { sliceCorpus } from './type-corpus.js'

/** Assembles one Parquet file from the row ranges of `columns`. */
export async function assembleFile(columns: readonly FixtureColumn[], ranges: readonly [number, number][], options: ParquetEncodeOptions): Promise<Uint8Array> {
  const assembler = new ParquetFileAssembler({ columns: columns.map((c) => c.spec), createdBy: 'rivet test' })
  const parts = [assembler.start()]
  for (const [start, end] of ranges) {
    parts.push(assembler.add(await encodeParquetRowGroup(batchIpc(sliceCorpus(columns, start, end)), options)))
  }
  parts.push(assembler.finish())
  const file = Buffer.concat(parts)
  if (file.length !== assembler.bytesWritten) throw new Error(`bytesWritten ${assembler.bytesWritten} != ${file.length}`)
  return new Uint8Array(file)
}

/** An ArrayBuffer holding exactly the file's bytes. */
export function toArrayBuffer(file: Uint8Array): ArrayBuffer {
  return file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer
}

const decoder = new TextDecoder()

/**
 * hyparquet-compressors' LZ4_RAW decoder throws on the one-byte block (a single 0x00 token)
 * that encodes an empty page, e.g. the dictionary page of an all-NULL chunk; that block is
 * valid LZ4 and parquet-wasm reads it back, so the reader gets empty pages short-circuited.
 */
const readCompressors = {
  ...compressors,
  LZ4_RAW: (input: Uint8Array, outputLength: number): Uint8Array =>
    outputLength === 0 ? new Uint8Array(0) : compressors.LZ4_RAW!(input, outputLength),
}

/**
 * Reads a file with hyparquet, keeping values raw where its conversions would lose
 * precision: decimals come back as unscaled integers (their DECIMAL annotations are
 * stripped from a copy of the metadata), timestamps as bigint micros, dates as days,
 * JSON as its text and binary as bytes.
 */
export async function readWithHyparquet(file: Uint8Array): Promise<{ metadata: FileMetaData; rows: Record<string, unknown>[] }> {
  const buffer = toArrayBuffer(file)
  const metadata = parquetMetadata(buffer)
  const raw = structuredClone(metadata)
  for (const element of raw.schema) {
    if (element.converted_type === 'DECIMAL') {
      delete element.converted_type
      delete element.logical_type
    }
  }
  const rows = await parquetReadObjects({
    file: buffer,
    metadata: raw,
    compressors: readCompressors,
    utf8: false,
    parsers: {
      timestampFromMicroseconds: (v: bigint) => v,
      dateFromDays: (v: number) => v,
      jsonFromBytes: (b: Uint8Array) => b && decoder.decode(b),
    },
  })
  return { metadata, rows }
}

function signedBigEndian(bytes: Uint8Array): bigint {
  let value = 0n
  for (const b of bytes) value = (value << 8n) | BigInt(b)
  return BigInt.asIntN(bytes.length * 8, value)
}

/** A value as read back by hyparquet, normalised for comparison with the fixture value. */
export function normalizeRead(type: RivetType, value: unknown): unknown {
  if (value === null || value === undefined) return null
  switch (type.kind) {
    case 'int': return BigInt(value as number | bigint)
    case 'decimal': return value instanceof Uint8Array ? signedBigEndian(value) : BigInt(value as number | bigint)
    case 'binary': return Buffer.from(value as Uint8Array).toString('hex')
    case 'list': return (value as unknown[]).map((v) => normalizeRead(type.item, v))
    default: return value
  }
}

/** A fixture value normalised the same way. */
export function normalizeFixture(type: RivetType, value: unknown): unknown {
  if (value === null || value === undefined) return null
  switch (type.kind) {
    case 'int': return BigInt(value as number | bigint)
    case 'float': return type.bits === 32 ? Math.fround(value as number) : value
    case 'binary': return Buffer.from(value as Uint8Array).toString('hex')
    case 'list': return (value as unknown[]).map((v) => normalizeFixture(type.item, v))
    default: return value
  }
}
