export { csvFileExtension, encodeCsvBatch } from './csv-encoder.js'
export type { CsvEncodeOptions } from './csv-encoder.js'
export { checkCompressionLevel, compressUnit } from './frame-compression.js'
export type { CsvCompression } from './frame-compression.js'
