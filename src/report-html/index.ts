export { collectReport, EVENTS_SHOWN, FILES_SHOWN } from './collect.js'
export type { CollectReportOptions } from './collect.js'
export { renderReportPage } from './page.js'
export { renderExportCharts, renderChunkTimeline, runLabels } from './charts.js'
export { CHART_BOX, renderBarChart, renderRangeChart, renderStepChart, niceScale } from './svg.js'
export type { BarChartInput, BarSeries, RangeChartInput, Scale, StepChartInput } from './svg.js'
export { escapeHtml } from './escape.js'
export { parseRunStats, parseDrift, parseQuality } from './stats.js'
export type {
  DriftCounts, QualityCounts, ReportChunk, ReportData, ReportEvent, ReportExport, ReportFile, ReportRun, ReportSelection, RunStats, TimelinePoint,
} from './model.js'
