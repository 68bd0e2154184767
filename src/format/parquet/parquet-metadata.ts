import { RivetError } from '../../errors/index.js'
import { decodeThriftStruct } from './thrift-compact.js'
import { deleteField, getField, getI64, getStruct, setField, tI64, type ThriftStruct } from './thrift-value.js'

/**
 * Field ids of the parquet.thrift structs Rivet edits, and the offset arithmetic that moves
 * a row group from the small file parquet-wasm wrote into its place in the output file.
 */

/** FileMetaData field ids. */
export const FILE_META = { version: 1, schema: 2, numRows: 3, rowGroups: 4, keyValueMetadata: 5, createdBy: 6, columnOrders: 7 } as const

/** RowGroup field ids. */
export const ROW_GROUP = { columns: 1, totalByteSize: 2, numRows: 3, sortingColumns: 4, fileOffset: 5, totalCompressedSize: 6, ordinal: 7 } as const

/** ColumnChunk field ids (4..7 are the page index references). */
export const COLUMN_CHUNK = {
  filePath: 1, fileOffset: 2, metaData: 3,
  offsetIndexOffset: 4, offsetIndexLength: 5, columnIndexOffset: 6, columnIndexLength: 7,
} as const

/** ColumnMetaData field ids. */
export const COLUMN_META = {
  pathInSchema: 3, totalUncompressedSize: 6, totalCompressedSize: 7,
  dataPageOffset: 9, indexPageOffset: 10, dictionaryPageOffset: 11, statistics: 12, encodingStats: 13, bloomFilterOffset: 14, bloomFilterLength: 15,
} as const

/** SchemaElement field ids. */
export const SCHEMA_ELEMENT = { type: 1, typeLength: 2, repetitionType: 3, name: 4, numChildren: 5, convertedType: 6, logicalType: 10 } as const

/** LogicalType union member ids, ConvertedType values and physical types used here. */
export const LOGICAL_TYPE = { string: 1, json: 12, uuid: 14 } as const
export const CONVERTED_TYPE = { utf8: 0, json: 19 } as const
export const PHYSICAL_TYPE = { byteArray: 6, fixedLenByteArray: 7 } as const

const MAGIC = 0x31524150 // 'PAR1' read as little-endian uint32

/** The 'PAR1' magic that opens and closes every Parquet file. */
export function parquetMagic(): Uint8Array {
  return Uint8Array.of(0x50, 0x41, 0x52, 0x31)
}

/** Decodes the footer of a complete Parquet file; returns it and where it starts. */
export function readFooter(file: Uint8Array): { footer: ThriftStruct; footerStart: number } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength)
  if (file.length < 12 || view.getUint32(0, true) !== MAGIC || view.getUint32(file.length - 4, true) !== MAGIC) {
    throw new RivetError('RIVET_INTERNAL', `the Parquet writer produced ${file.length} bytes without PAR1 magic at both ends`)
  }
  const footerLength = view.getUint32(file.length - 8, true)
  const footerStart = file.length - 8 - footerLength
  if (footerStart < 4) throw new RivetError('RIVET_INTERNAL', `Parquet footer length ${footerLength} exceeds the file`)
  const { value, end } = decodeThriftStruct(file.subarray(footerStart, file.length - 8))
  if (end !== footerLength) throw new RivetError('RIVET_INTERNAL', `Parquet footer decoded ${end} of ${footerLength} bytes`)
  return { footer: value, footerStart }
}

/** Where a column chunk's pages start: its dictionary page if any, else its first data page. */
export function columnChunkStart(meta: ThriftStruct): bigint {
  const dictionary = getI64(meta, COLUMN_META.dictionaryPageOffset)
  const data = getI64(meta, COLUMN_META.dataPageOffset) ?? 0n
  return dictionary !== undefined && dictionary < data ? dictionary : data
}

/** Adds `delta` to an i64 field if present (keeping its wire type). */
function shiftI64(struct: ThriftStruct, id: number, delta: bigint): void {
  const value = getI64(struct, id)
  if (value !== undefined) setField(struct, id, tI64(value + delta))
}

/** The ColumnChunk structs of a row group. */
export function rowGroupColumns(rowGroup: ThriftStruct): ThriftStruct[] {
  const columns = getField(rowGroup, ROW_GROUP.columns)
  if (columns?.type !== 'list') throw new RivetError('RIVET_INTERNAL', 'Parquet row group without a column list')
  return columns.elements.map((c) => {
    if (c.type !== 'struct') throw new RivetError('RIVET_INTERNAL', 'Parquet column chunk is not a struct')
    return c
  })
}

/**
 * Moves every byte offset of a row group by `delta`. The deprecated ColumnChunk.file_offset
 * keeps 0 when it is 0, which means "no out-of-footer metadata" rather than a position.
 */
export function shiftRowGroup(rowGroup: ThriftStruct, delta: bigint): void {
  for (const chunk of rowGroupColumns(rowGroup)) {
    if ((getI64(chunk, COLUMN_CHUNK.fileOffset) ?? 0n) !== 0n) shiftI64(chunk, COLUMN_CHUNK.fileOffset, delta)
    const meta = getStruct(chunk, COLUMN_CHUNK.metaData)
    if (meta === undefined) throw new RivetError('RIVET_INTERNAL', 'Parquet column chunk without metadata')
    shiftI64(meta, COLUMN_META.dataPageOffset, delta)
    shiftI64(meta, COLUMN_META.indexPageOffset, delta)
    shiftI64(meta, COLUMN_META.dictionaryPageOffset, delta)
    shiftI64(meta, COLUMN_META.bloomFilterOffset, delta)
  }
  shiftI64(rowGroup, ROW_GROUP.fileOffset, delta)
}

/** Removes the ColumnIndex / OffsetIndex references (they would point into another file). */
export function dropPageIndexes(rowGroup: ThriftStruct): void {
  for (const chunk of rowGroupColumns(rowGroup)) {
    deleteField(chunk, COLUMN_CHUNK.offsetIndexOffset)
    deleteField(chunk, COLUMN_CHUNK.offsetIndexLength)
    deleteField(chunk, COLUMN_CHUNK.columnIndexOffset)
    deleteField(chunk, COLUMN_CHUNK.columnIndexLength)
  }
}

/**
 * The end of the bytes a row group needs: its column chunks, plus any bloom filter. Page
 * indexes are written after the chunks and are not needed once dropped.
 */
export function rowGroupDataEnd(rowGroup: ThriftStruct): bigint {
  let end = 0n
  for (const chunk of rowGroupColumns(rowGroup)) {
    const meta = getStruct(chunk, COLUMN_CHUNK.metaData)
    if (meta === undefined) continue
    const chunkEnd = columnChunkStart(meta) + (getI64(meta, COLUMN_META.totalCompressedSize) ?? 0n)
    if (chunkEnd > end) end = chunkEnd
    const bloom = getI64(meta, COLUMN_META.bloomFilterOffset)
    if (bloom !== undefined) {
      const bloomLength = getI64(meta, COLUMN_META.bloomFilterLength)
      // without a recorded length the filter's extent is unknown: keep everything up to the footer
      const bloomEnd = bloomLength === undefined ? BigInt(Number.MAX_SAFE_INTEGER) : bloom + bloomLength
      if (bloomEnd > end) end = bloomEnd
    }
  }
  return end
}
