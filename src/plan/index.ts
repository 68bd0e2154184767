export { batchTargetBytes, buildPgExtractPlan, choosePgStrategy, filteredPgStrategy, pgSourceOf, planRowKey, timeWindowPredicate, TARGET_STATEMENT_MS } from './build-pg-plan.js'
export type { PgSource } from './build-pg-plan.js'
export {
  chunkPredicate, DEFAULT_CHUNK_SIZE, integerChunkStep, MAX_CHUNKS, planDayRanges, planIntegerRanges, rangeDensity, rangesFromBoundaries, SPARSE_DENSITY,
} from './chunk-plan.js'
export type { ChunkRange, RangeDensity } from './chunk-plan.js'
export { BOUNDARY_KEY_LIMIT, findColumn, PG_INCREMENTAL_DIALECT, planPgIncremental } from './incremental-plan.js'
export type { IncrementalDialect, PgIncrementalRead, StoredCursor, TieHandling } from './incremental-plan.js'
export { pgLiteral, pgTypedLiteral } from './sql-literal.js'
export type { ExtractPlan, MysqlExtractPlan, MysqlReadStrategy, PgExtractPlan, PgReadStrategy, RowKeyPlan, SourceConnectParams } from './export-plan.js'
export { EXPORTED_AT_COLUMN, planMetaColumns, ROW_HASH_COLUMN } from './meta-columns.js'
export type { MetaColumnsPlan } from './meta-columns.js'
export { buildMysqlExtractPlan, chooseMysqlStrategy, MYSQL_INCREMENTAL_DIALECT, mysqlLiteral, mysqlTypedLiteral, mysqlSourceOf, mysqlTimeWindowPredicate, quoteMysqlName } from './build-mysql-plan.js'
export type { MysqlChunkRead, MysqlExportFacts } from './build-mysql-plan.js'
