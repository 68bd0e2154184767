export { SqliteStateStore, openStateStore, MIGRATIONS, LATEST_SCHEMA_VERSION } from './sqlite/index.js'
export type { Migration } from './sqlite/index.js'
export { defaultStatePath, STATE_FILE_NAME } from './default-path.js'
export { openConfiguredState, openExistingState, resolveStateTarget } from './open-configured-state.js'
export type { StateTarget } from './open-configured-state.js'
export {
  PostgresStateStore, openPostgresStateStore, openExistingPostgresStateStore, PG_MIGRATIONS, PG_LATEST_SCHEMA_VERSION, DEFAULT_STATE_SCHEMA, STATE_URL_ENV,
} from './postgres/index.js'
export { toRunMetrics } from './metrics.js'
export { isPidAlive, isStaleRun, FOREIGN_RUN_STALE_MS } from './stale.js'
export { exportLockedError, isStaleLock } from './locks.js'
export type {
  BeginRunInput,
  BoundaryKeys,
  ChunkTaskInput,
  ChunkTaskRecord,
  ChunkTaskStatus,
  CompleteChunkInput,
  CompleteRunOptions,
  CompleteRunSummary,
  CursorInput,
  CursorRecord,
  ExportLockHolder,
  ExportLockRecord,
  JournalEvent,
  JournalEventInput,
  JournalEventKind,
  ListEventsOptions,
  SchemaColumnRecord,
  PreparedCompletion,
  FailChunkInput,
  FailRunInput,
  FileRecord,
  FileRecordInput,
  ListChunkTasksOptions,
  ListFilesOptions,
  ListRunsOptions,
  MetricsOptions,
  ReopenRunInput,
  ResetExportInput,
  ResetExportResult,
  RunFailureStatus,
  RunMetrics,
  RunRecord,
  RunStatus,
  StateStore,
} from './types.js'
