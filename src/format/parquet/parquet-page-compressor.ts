import { createRequire } from 'node:module'
import { RivetError } from '../../errors/index.js'
import { COLUMN_CHUNK, COLUMN_META, FILE_META, ROW_GROUP, columnChunkStart, dropPageIndexes, parquetMagic, readFooter, rowGroupColumns } from './parquet-metadata.js'
import { decodeThriftStruct, encodeThriftStruct } from './thrift-compact.js'
import {
  deleteField, getI64, getInt, getList, getStruct, setField, structElements, tI32, tI64, tList, type ThriftStruct,
} from './thrift-value.js'

/**
 * Recompresses the pages of an UNCOMPRESSED Parquet file with the native zstd binding.
 * parquet-wasm's internal zstd runs ~4x slower than native zstd at the same level and takes
 * no level, so zstd output is written uncompressed by parquet-wasm and compressed here.
 */

interface ZstdBinding {
  compress(data: Buffer, level?: number | null): Promise<Buffer>
}

// The package's index.js wrapper drops the level argument; the native binding honours it.
const zstd = createRequire(import.meta.url)('@mongodb-js/zstd/bindings.js') as ZstdBinding

/** PageHeader, DataPageHeaderV2 field ids, PageType and CompressionCodec values (parquet.thrift). */
const PAGE_HEADER = { type: 1, uncompressedPageSize: 2, compressedPageSize: 3, crc: 4, dataPageHeaderV2: 8 } as const
const DATA_PAGE_V2 = { definitionLevelsByteLength: 5, repetitionLevelsByteLength: 6, isCompressed: 7 } as const
const PAGE_TYPE = { dataPage: 0, dictionaryPage: 2, dataPageV2: 3 } as const
const CODEC = { uncompressed: 0, zstd: 6 } as const
const COLUMN_META_CODEC = 4

/** One page: its header, the bytes kept as they are (v2 levels) and the bytes to compress. */
interface Page {
  readonly header: ThriftStruct
  readonly start: bigint
  readonly levels: Uint8Array
  readonly values: Uint8Array
  compressed: Uint8Array
}

/** One column chunk of the source file and its pages in file order. */
interface Chunk {
  readonly chunk: ThriftStruct
  readonly meta: ThriftStruct
  readonly start: bigint
  readonly end: bigint
  readonly pages: Page[]
}

/**
 * Returns a copy of an uncompressed Parquet file whose pages are zstd-compressed at `level`
 * and whose metadata says so. All pages of the file are compressed concurrently: the native
 * binding runs each call on libuv's threadpool. Page indexes and bloom filters are dropped.
 */
export async function compressParquetPagesZstd(file: Uint8Array, level: number): Promise<Uint8Array> {
  const { footer } = readFooter(file)
  const rowGroups = structElements(getList(footer, FILE_META.rowGroups) ?? tList('struct', []))
  const chunks = rowGroups.flatMap((rowGroup) => rowGroupColumns(rowGroup).map((chunk) => readChunk(file, chunk)))
  chunks.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
  await Promise.all(chunks.flatMap((c) => c.pages).map(async (page) => {
    page.compressed = await zstd.compress(Buffer.from(page.values.buffer, page.values.byteOffset, page.values.byteLength), level)
  }))
  const parts: Uint8Array[] = [parquetMagic()]
  const moved = new Map<bigint, bigint>() // old offset of each page and chunk end → new offset
  let position = 4n
  for (const chunk of chunks) position = writeChunk(chunk, position, parts, moved)
  for (const rowGroup of rowGroups) updateRowGroup(rowGroup, moved)
  const footerBytes = encodeThriftStruct(footer)
  const length = new Uint8Array(4)
  new DataView(length.buffer).setUint32(0, footerBytes.length, true)
  parts.push(footerBytes, length, parquetMagic())
  return Buffer.concat(parts)
}

/** Splits a column chunk into its pages; the chunk must be uncompressed. */
function readChunk(file: Uint8Array, chunk: ThriftStruct): Chunk {
  const meta = getStruct(chunk, COLUMN_CHUNK.metaData)
  if (meta === undefined) throw internal('column chunk without metadata')
  const codec = getInt(meta, COLUMN_META_CODEC)
  if (codec !== CODEC.uncompressed) throw internal(`column chunk has codec ${codec}, expected UNCOMPRESSED`)
  const start = columnChunkStart(meta)
  const end = start + (getI64(meta, COLUMN_META.totalCompressedSize) ?? 0n)
  if (end > BigInt(file.length)) throw internal(`column chunk ends at ${end}, past the file's ${file.length} bytes`)
  const pages: Page[] = []
  let offset = Number(start)
  while (offset < Number(end)) {
    const { value: header, end: payloadStart } = decodeThriftStruct(file, offset)
    const size = getInt(header, PAGE_HEADER.compressedPageSize) ?? -1
    const payloadEnd = payloadStart + size
    if (size < 0 || payloadEnd > Number(end)) throw internal(`page at ${offset} has size ${size} past its column chunk's end ${end}`)
    const levelBytes = levelsLength(header)
    pages.push({
      header, start: BigInt(offset), compressed: new Uint8Array(0),
      levels: file.subarray(payloadStart, payloadStart + levelBytes),
      values: file.subarray(payloadStart + levelBytes, payloadEnd),
    })
    offset = payloadEnd
  }
  if (offset !== Number(end)) throw internal(`pages of the column chunk at ${start} end at ${offset}, not ${end}`)
  return { chunk, meta, start, end, pages }
}

/** Bytes at the front of the page that stay uncompressed: the levels of a v2 data page. */
function levelsLength(header: ThriftStruct): number {
  const type = getInt(header, PAGE_HEADER.type)
  if (type === PAGE_TYPE.dataPage || type === PAGE_TYPE.dictionaryPage) return 0
  if (type !== PAGE_TYPE.dataPageV2) throw internal(`page type ${type} cannot be compressed`)
  const v2 = getStruct(header, PAGE_HEADER.dataPageHeaderV2)
  if (v2 === undefined) throw internal('DATA_PAGE_V2 without data_page_header_v2')
  setField(v2, DATA_PAGE_V2.isCompressed, { type: 'bool', value: true })
  return (getInt(v2, DATA_PAGE_V2.definitionLevelsByteLength) ?? 0) + (getInt(v2, DATA_PAGE_V2.repetitionLevelsByteLength) ?? 0)
}

/** Appends a chunk's rewritten pages at `position`, updates its ColumnMetaData; returns the end. */
function writeChunk(chunk: Chunk, position: bigint, parts: Uint8Array[], moved: Map<bigint, bigint>): bigint {
  const start = position
  let uncompressed = 0n
  for (const page of chunk.pages) {
    setField(page.header, PAGE_HEADER.compressedPageSize, tI32(page.levels.length + page.compressed.length))
    deleteField(page.header, PAGE_HEADER.crc) // it checksummed the uncompressed bytes
    const header = encodeThriftStruct(page.header)
    moved.set(page.start, position)
    parts.push(header, page.levels, page.compressed)
    position += BigInt(header.length + page.levels.length + page.compressed.length)
    uncompressed += BigInt(header.length + (getInt(page.header, PAGE_HEADER.uncompressedPageSize) ?? 0))
  }
  moved.set(chunk.end, position)
  const meta = chunk.meta
  setField(meta, COLUMN_META_CODEC, tI32(CODEC.zstd))
  setField(meta, COLUMN_META.totalUncompressedSize, tI64(uncompressed))
  setField(meta, COLUMN_META.totalCompressedSize, tI64(position - start))
  for (const id of [COLUMN_META.dataPageOffset, COLUMN_META.indexPageOffset, COLUMN_META.dictionaryPageOffset]) moveField(meta, id, moved)
  // bloom filters are never enabled by the encoder; they would be left behind
  deleteField(meta, COLUMN_META.bloomFilterOffset)
  deleteField(meta, COLUMN_META.bloomFilterLength)
  return position
}

/** Points the row group's offsets and sizes at the rewritten chunks. */
function updateRowGroup(rowGroup: ThriftStruct, moved: Map<bigint, bigint>): void {
  dropPageIndexes(rowGroup)
  let compressed = 0n
  for (const chunk of rowGroupColumns(rowGroup)) {
    // a ColumnChunk.file_offset of 0 means "no out-of-footer metadata", not a position
    if ((getI64(chunk, COLUMN_CHUNK.fileOffset) ?? 0n) !== 0n) moveField(chunk, COLUMN_CHUNK.fileOffset, moved)
    compressed += getI64(getStruct(chunk, COLUMN_CHUNK.metaData)!, COLUMN_META.totalCompressedSize) ?? 0n
  }
  moveField(rowGroup, ROW_GROUP.fileOffset, moved)
  if (getI64(rowGroup, ROW_GROUP.totalCompressedSize) !== undefined) setField(rowGroup, ROW_GROUP.totalCompressedSize, tI64(compressed))
}

/** Rewrites an i64 offset field, if present, to where its page now starts. */
function moveField(struct: ThriftStruct, id: number, moved: Map<bigint, bigint>): void {
  const old = getI64(struct, id)
  if (old === undefined) return
  const now = moved.get(old)
  if (now === undefined) throw internal(`offset ${old} (field ${id}) is not a page boundary`)
  setField(struct, id, tI64(now))
}

function internal(message: string): RivetError {
  return new RivetError('RIVET_INTERNAL', `Parquet page recompression: ${message}`)
}
