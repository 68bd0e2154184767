export { ParquetFileAssembler, parquetFileExtension } from './parquet-file-assembler.js'
export type { ParquetFileAssemblerOptions } from './parquet-file-assembler.js'
export { encodeParquetRowGroup, splitParquetFile } from './parquet-row-group-encoder.js'
export type { EncodedRowGroup, ParquetCompression, ParquetEncodeOptions } from './parquet-row-group-encoder.js'
export { patchLogicalTypes } from './parquet-logical-types.js'
export { decodeThriftStruct, decodeThriftValue, encodeThriftStruct, encodeThriftValue } from './thrift-compact.js'
export {
  deleteField, getField, getI64, getInt, getList, getString, getStruct, setField, structElements,
  tI16, tI32, tI64, tList, tString, tStruct,
} from './thrift-value.js'
export type { ThriftField, ThriftList, ThriftMap, ThriftStruct, ThriftType, ThriftValue } from './thrift-value.js'
