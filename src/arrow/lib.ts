import { createRequire } from 'node:module'
import type * as Arrow from 'apache-arrow'

/**
 * apache-arrow, loaded from the package's single-file build. Its ESM entry is ~150 modules and
 * takes ~250 ms to load in every thread that uses it (the coordinator, the extractor, each
 * encoder); the bundle carries the same API and loads in ~20 ms.
 *
 * Rivet's code takes Arrow values from here, never from 'apache-arrow' itself: the two copies
 * have different classes, so objects of one fail `instanceof` checks of the other (Arrow IPC
 * bytes, which is what crosses threads, are the same either way). Types may still be imported
 * from 'apache-arrow' with `import type`.
 */
const arrow = createRequire(import.meta.url)('apache-arrow/Arrow.esnext.min') as typeof Arrow

export const { makeData, tableFromIPC, tableToIPC } = arrow

export const RecordBatch = arrow.RecordBatch
export type RecordBatch<T extends Arrow.TypeMap = any> = Arrow.RecordBatch<T>
export const Schema = arrow.Schema
export type Schema<T extends Arrow.TypeMap = any> = Arrow.Schema<T>
export const Field = arrow.Field
export type Field<T extends Arrow.DataType = any> = Arrow.Field<T>
export const Table = arrow.Table
export type Table<T extends Arrow.TypeMap = any> = Arrow.Table<T>
export const Struct = arrow.Struct
export type Struct<T extends Arrow.TypeMap = any> = Arrow.Struct<T>
export const List = arrow.List
export type List<T extends Arrow.DataType = any> = Arrow.List<T>

export const Binary = arrow.Binary
export type Binary = Arrow.Binary
export const Bool = arrow.Bool
export type Bool = Arrow.Bool
export const DateDay = arrow.DateDay
export type DateDay = Arrow.DateDay
export const Decimal = arrow.Decimal
export type Decimal = Arrow.Decimal
export const FixedSizeBinary = arrow.FixedSizeBinary
export type FixedSizeBinary = Arrow.FixedSizeBinary
export const Float32 = arrow.Float32
export type Float32 = Arrow.Float32
export const Float64 = arrow.Float64
export type Float64 = Arrow.Float64
export const Int8 = arrow.Int8
export type Int8 = Arrow.Int8
export const Int16 = arrow.Int16
export type Int16 = Arrow.Int16
export const Int32 = arrow.Int32
export type Int32 = Arrow.Int32
export const Int64 = arrow.Int64
export type Int64 = Arrow.Int64
export const Uint8 = arrow.Uint8
export type Uint8 = Arrow.Uint8
export const Uint16 = arrow.Uint16
export type Uint16 = Arrow.Uint16
export const Uint32 = arrow.Uint32
export type Uint32 = Arrow.Uint32
export const Uint64 = arrow.Uint64
export type Uint64 = Arrow.Uint64
export const Utf8 = arrow.Utf8
export type Utf8 = Arrow.Utf8
export const TimeMicrosecond = arrow.TimeMicrosecond
export type TimeMicrosecond = Arrow.TimeMicrosecond
export const TimestampMicrosecond = arrow.TimestampMicrosecond
export type TimestampMicrosecond = Arrow.TimestampMicrosecond

export const DateUnit = arrow.DateUnit
export type DateUnit = Arrow.DateUnit
export const Precision = arrow.Precision
export type Precision = Arrow.Precision
export const TimeUnit = arrow.TimeUnit
export type TimeUnit = Arrow.TimeUnit
export const Type = arrow.Type
export type Type = Arrow.Type

export type { Data, DataType, TypeMap, Vector } from 'apache-arrow'
