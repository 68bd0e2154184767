export { checkCompressionLevel, compressUnit, csvFileExtension, encodeCsvBatch } from './csv/index.js'
export type { CsvCompression, CsvEncodeOptions } from './csv/index.js'
export { ParquetFileAssembler, encodeParquetRowGroup, parquetFileExtension } from './parquet/index.js'
export type { EncodedRowGroup, ParquetCompression, ParquetEncodeOptions, ParquetFileAssemblerOptions } from './parquet/index.js'
