export { toArrowSchema, toArrowType, toArrowField, SOURCE_TYPE_KEY, EXTENSION_NAME_KEY, EXTENSION_METADATA_KEY, DECIMAL128_MAX_PRECISION } from './schema.js'
export { BatchBuilder, MAX_BATCH_BYTES } from './batch-builder.js'
export type { BatchBuilderOptions } from './batch-builder.js'
export { recordBatchToIPC } from './ipc.js'
export {
  BaseBuilder,
  BoolBuilder,
  FixedWidthBuilder,
  VarBinaryBuilder,
  MAX_VAR_DATA_BYTES,
  FixedSizeBinaryBuilder,
  DecimalBuilder,
  ListBuilder,
  createColumnBuilder,
  Validity,
  bitmapBytes,
} from './builders/index.js'
export type { ColumnBuilder, AnyColumnBuilder } from './builders/index.js'
