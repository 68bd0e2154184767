export { loadConfig, parseConfig } from './load.js'
export type { LoadConfigOptions, ParseConfigOptions } from './load.js'
export { selectExports } from './select-exports.js'
export { configJsonSchema } from './json-schema.js'
export { renderConfigReference, EXAMPLE_CONFIG } from './render-reference.js'
export { CONFIG_SCHEMA } from './schema.js'
export { TUNING_PROFILES, DEFAULT_PROFILE, DEFAULT_MEMORY_MB, resolveTuning } from './tuning.js'
export { parseColumnOverride } from './column-override.js'
export { parseTableName } from './table-name.js'
export { parseSize } from './size.js'
export { parseConnectionUrl } from './connection-url.js'
export { PATH_PLACEHOLDERS } from './path-template.js'
export {
  COMPRESSIONS,
  DESTINATION_TYPES,
  EXPORT_MODES,
  OUTPUT_FORMATS,
  SIMPLE_OVERRIDE_KINDS,
  SOURCE_TYPES,
  TLS_MODES,
  TUNING_PROFILE_NAMES,
} from './types.js'
export type {
  ColumnOverride,
  Compression,
  ConfigIssue,
  DestinationType,
  ExportMode,
  OutputFormat,
  ResolvedConfig,
  ResolvedConnection,
  ResolvedDestination,
  ResolvedExport,
  ResolvedSource,
  ResolvedTableRef,
  ResolvedTls,
  ResolvedTuning,
  SimpleOverrideKind,
  SourceType,
  TlsMode,
  TuningProfileName,
} from './types.js'
