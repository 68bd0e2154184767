import { RivetError } from '../errors/index.js'
import { decodeThriftStruct, getI64, getList, structElements } from '../format/parquet/index.js'

/** parquet.thrift field ids: FileMetaData.num_rows, FileMetaData.row_groups, RowGroup.num_rows. */
const FILE_META_NUM_ROWS = 3
const FILE_META_ROW_GROUPS = 4
const ROW_GROUP_NUM_ROWS = 3

/** The 8 bytes that close a Parquet file: the footer length (int32 LE) and 'PAR1'. */
export const PARQUET_TAIL_BYTES = 8

function unreadable(message: string): RivetError {
  return new RivetError('RIVET_VALIDATE_MISMATCH', message)
}

/** The footer length a Parquet file's last 8 bytes announce; throws when they are not a Parquet ending. */
export function parquetFooterLength(tail: Uint8Array, fileBytes: number): number {
  if (tail.length !== PARQUET_TAIL_BYTES || Buffer.from(tail.subarray(4)).toString('latin1') !== 'PAR1') {
    throw unreadable('the file does not end with the Parquet magic PAR1')
  }
  const length = new DataView(tail.buffer, tail.byteOffset, tail.byteLength).getUint32(0, true)
  // 4 bytes of opening magic, the footer, then the tail
  if (length + PARQUET_TAIL_BYTES + 4 > fileBytes) throw unreadable(`the Parquet footer length ${length} exceeds the file's ${fileBytes} bytes`)
  return length
}

/** The row count a Parquet footer (FileMetaData, Thrift compact) states; it must equal the sum over its row groups. */
export function parquetFooterRows(footer: Uint8Array): number {
  let rows: bigint | undefined
  let inGroups = 0n
  try {
    const { value } = decodeThriftStruct(footer)
    rows = getI64(value, FILE_META_NUM_ROWS)
    const groups = getList(value, FILE_META_ROW_GROUPS)
    for (const group of groups === undefined ? [] : structElements(groups)) inGroups += getI64(group, ROW_GROUP_NUM_ROWS) ?? 0n
  } catch (err) {
    throw new RivetError('RIVET_VALIDATE_MISMATCH', `the Parquet footer cannot be decoded: ${(err as Error).message}`, { cause: err })
  }
  if (rows === undefined) throw unreadable('the Parquet footer has no row count')
  if (rows !== inGroups) throw unreadable(`the Parquet footer says ${rows} rows but its row groups hold ${inGroups}`)
  return Number(rows)
}
