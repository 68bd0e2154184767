export { loadConfig, parseConfig } from './load.js'
export type { LoadConfigOptions, ParseConfigOptions } from './load.js'
export { selectExports } from './select-exports.js'
export { configJsonSchema } from './json-schema.js'
export { renderConfigReference, EXAMPLE_CONFIG } from './render-reference.js'
export { CONFIG_SCHEMA } from './schema.js'
export { TUNING_PROFILES, DEFAULT_PROFILE, DEFAULT_MEMORY_MB, resolveTuning } from './tuning.js'
export { formatColumnOverride, parseColumnKey, parseColumnOverride } from './column-override.js'
export type { ColumnKey } from './column-override.js'
export { parseTableName } from './table-name.js'
export { parseSize } from './size.js'
export { parseDuration } from './duration.js'
export { DEFAULT_CHUNK_MAX_ATTEMPTS, DEFAULT_CHUNK_MAX_STATEMENT_S, DEFAULT_PARALLEL, MODE_KEYS, MODE_REQUIRED_KEYS } from './modes.js'
export { parseConnectionUrl } from './connection-url.js'
export { PATH_PLACEHOLDERS } from './path-template.js'
export { isLoopbackHost, webhookUrlProblem } from './notifications-config.js'
export {
  CHUNK_STRATEGIES,
  COMPRESSIONS,
  DESTINATION_TYPES,
  EXPORT_MODES,
  INCREMENTAL_CURSOR_MODES,
  NOTIFY_EVENTS,
  OUTPUT_FORMATS,
  SIMPLE_OVERRIDE_KINDS,
  SOURCE_TYPES,
  TIME_COLUMN_TYPES,
  TLS_MODES,
  TUNING_PROFILE_NAMES,
} from './types.js'
export type {
  ChunkStrategy,
  ColumnOverride,
  Compression,
  ConfigIssue,
  CursorOverlap,
  DestinationType,
  ExportMode,
  IncrementalCursorMode,
  NotifyEventKind,
  OutputFormat,
  ResolvedChunked,
  ResolvedConfig,
  ResolvedConnection,
  ResolvedDestination,
  ResolvedExport,
  ResolvedIncremental,
  ResolvedMetaColumns,
  ResolvedNotifications,
  ResolvedSlackNotifications,
  ResolvedSource,
  ResolvedTableRef,
  ResolvedTimeWindow,
  ResolvedTls,
  ResolvedTuning,
  SimpleOverrideKind,
  SlackMention,
  SourceType,
  TimeColumnType,
  TlsMode,
  TuningProfileName,
} from './types.js'
