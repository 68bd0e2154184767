import { RivetError } from '../../errors/index.js'
import type { ColumnSpec } from '../../types/index.js'
import { patchLogicalTypes } from './parquet-logical-types.js'
import { truncateStatistics } from './parquet-statistics.js'
import { COLUMN_CHUNK, FILE_META, ROW_GROUP, columnChunkStart, parquetMagic, rowGroupColumns, shiftRowGroup } from './parquet-metadata.js'
import type { EncodedRowGroup } from './parquet-row-group-encoder.js'
import { decodeThriftStruct, decodeThriftValue, encodeThriftStruct, encodeThriftValue } from './thrift-compact.js'
import { getField, getI64, getList, getStruct, setField, structElements, tI16, tI64, tList, tString, type ThriftStruct } from './thrift-value.js'

/** What a ParquetFileAssembler needs to know about the file it assembles. */
export interface ParquetFileAssemblerOptions {
  readonly columns: readonly ColumnSpec[]
  /** Written as FileMetaData.created_by, e.g. `rivet 0.1.0 (parquet-rs 59.3.0)`. */
  readonly createdBy: string
}

const MAX_ORDINAL = 0x7fff // RowGroup.ordinal is an i16

/**
 * Assembles one Parquet file from row groups encoded in parallel by encodeParquetRowGroup.
 * Sequential and cheap: it appends bodies as they come and keeps only the row group
 * metadata until `finish()` writes the footer.
 *
 * Protocol: `start()` → `add(rg)`* → `finish()`; each call returns the bytes to append.
 * The schema comes from the first unit added (or given to `setSchemaFrom`), so a file with
 * zero rows is still valid: add, or set the schema from, the encoding of an empty batch.
 */
export class ParquetFileAssembler {
  private readonly columns: readonly ColumnSpec[]
  private readonly createdBy: string
  /** Row group metadata, compact-encoded: an object per field would cost ~100x its bytes. */
  private readonly groups: Uint8Array[] = []
  private template: ThriftStruct | undefined
  private templateBytes: Uint8Array | undefined
  private schemaBytes: Uint8Array | undefined
  private state: 'new' | 'open' | 'finished' = 'new'
  private written = 0
  private rowCount = 0n

  constructor(options: ParquetFileAssemblerOptions) {
    this.columns = options.columns
    this.createdBy = options.createdBy
  }

  /** Bytes handed out so far (magic, bodies and, after finish, the footer). */
  get bytesWritten(): number {
    return this.written
  }

  /** Rows added so far. */
  get rows(): number {
    return Number(this.rowCount)
  }

  /** Row groups added so far. */
  get rowGroups(): number {
    return this.groups.length
  }

  /** Opens the file: returns the leading 'PAR1' magic. */
  start(): Uint8Array {
    this.expectState('new', 'start')
    this.state = 'open'
    this.written = 4
    return parquetMagic()
  }

  /**
   * Takes the schema (and file-level metadata) from an encoded batch without adding its rows:
   * for an export with no rows, pass the encoding of an empty batch, then `finish()`.
   */
  setSchemaFrom(encoded: EncodedRowGroup): void {
    if (this.state === 'finished') throw new RivetError('RIVET_INTERNAL', 'ParquetFileAssembler.setSchemaFrom() called on a finished file')
    this.adoptMetadata(encoded.metadata)
  }

  /** Records an encoded batch at the current end of the file; returns its body to append. */
  add(encoded: EncodedRowGroup): Uint8Array {
    this.expectState('open', 'add')
    this.adoptMetadata(encoded.metadata)
    const decoded = decodeThriftValue(encoded.rowGroups, 'list').value
    if (decoded.type !== 'list') throw new RivetError('RIVET_INTERNAL', 'encoded row groups are not a Thrift list')
    const base = BigInt(this.written)
    for (const rowGroup of structElements(decoded)) {
      shiftRowGroup(rowGroup, base)
      const firstChunk = rowGroupColumns(rowGroup)[0]
      const firstMeta = firstChunk === undefined ? undefined : getStruct(firstChunk, COLUMN_CHUNK.metaData)
      if (firstMeta !== undefined) setField(rowGroup, ROW_GROUP.fileOffset, tI64(columnChunkStart(firstMeta)))
      if (this.groups.length <= MAX_ORDINAL) setField(rowGroup, ROW_GROUP.ordinal, tI16(this.groups.length))
      this.rowCount += getI64(rowGroup, ROW_GROUP.numRows) ?? 0n
      truncateStatistics(rowGroup)
      this.groups.push(encodeThriftStruct(rowGroup))
    }
    this.written += encoded.body.length
    return encoded.body
  }

  /** Closes the file: returns the footer (FileMetaData), its length and the closing magic. */
  finish(): Uint8Array {
    this.expectState('open', 'finish')
    const template = this.template
    if (template === undefined) {
      throw new RivetError('RIVET_INTERNAL', 'a Parquet file needs at least one encoded batch (an empty one will do) for its schema')
    }
    const footer: ThriftStruct = { type: 'struct', fields: [...template.fields] }
    setField(footer, FILE_META.numRows, tI64(this.rowCount))
    setField(footer, FILE_META.rowGroups, tList('struct', this.groups.map((bytes) => ({ type: 'encoded', as: 'struct', bytes }))))
    setField(footer, FILE_META.createdBy, tString(this.createdBy))
    const metadata = encodeThriftStruct(footer)
    const out = new Uint8Array(metadata.length + 8)
    out.set(metadata, 0)
    new DataView(out.buffer).setUint32(metadata.length, metadata.length, true)
    out.set(parquetMagic(), metadata.length + 4)
    this.state = 'finished'
    this.written += out.length
    return out
  }

  /**
   * Takes the file-level metadata from the first unit. Later units repeat it; they are
   * compared by bytes (cheap) and only decoded when they differ, which happens when an
   * empty batch came first: it lacks column orders, which a non-empty one then supplies.
   */
  private adoptMetadata(bytes: Uint8Array): void {
    if (this.templateBytes !== undefined && equalBytes(bytes, this.templateBytes)) return
    const metadata = decodeThriftStruct(bytes).value
    const schema = getList(metadata, FILE_META.schema)
    if (schema === undefined) throw new RivetError('RIVET_INTERNAL', 'encoded Parquet metadata has no schema')
    const schemaBytes = encodeThriftValue(schema)
    if (this.template === undefined || this.schemaBytes === undefined) {
      this.schemaBytes = schemaBytes
      patchLogicalTypes(schema, this.columns)
      this.template = metadata
      this.templateBytes = bytes.slice() // a copy: `bytes` may be a view pinning a whole batch buffer
      return
    }
    if (!equalBytes(schemaBytes, this.schemaBytes)) {
      throw new RivetError('RIVET_INTERNAL', 'a batch has a different Parquet schema than the file it is appended to')
    }
    const orders = getField(metadata, FILE_META.columnOrders)
    if (orders !== undefined && getField(this.template, FILE_META.columnOrders) === undefined) {
      setField(this.template, FILE_META.columnOrders, orders)
      this.templateBytes = bytes.slice()
    }
  }

  private expectState(expected: 'new' | 'open', action: string): void {
    if (this.state !== expected) {
      throw new RivetError('RIVET_INTERNAL', `ParquetFileAssembler.${action}() called on a ${this.state} file`)
    }
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** File name extension of a Parquet file (its compression lives inside the file). */
export function parquetFileExtension(): string {
  return '.parquet'
}
