export { runExports } from './run-exports.js'
export type { RunExportsOptions, RunReport } from './run-exports.js'
export type { ExportResult, CommittedFileSummary } from './export-runner.js'
export type { PipelineProgress } from './export-pipeline.js'
