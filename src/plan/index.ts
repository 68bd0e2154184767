export { buildPgExtractPlan, choosePgStrategy, TARGET_STATEMENT_MS } from './build-pg-plan.js'
export type { PgExtractPlan, PgReadStrategy, SourceConnectParams } from './export-plan.js'
