export { collectReport, EVENTS_SHOWN, FILES_SHOWN } from './collect.js'
export type { CollectReportOptions } from './collect.js'
export { renderReportPage } from './page.js'
export { renderExportCharts, renderChunkTimeline, runLabels } from './charts.js'
export { renderRunTimelineCharts } from './timeline-charts.js'
export { CHART_BOX, MAX_LINE_DOTS, renderBarChart, renderLineChart, renderRangeChart, renderStepChart, niceScale } from './svg.js'
export type { BarChartInput, BarSeries, LineChartInput, LineSeries, RangeChartInput, Scale, StepChartInput } from './svg.js'
export { escapeHtml } from './escape.js'
export { parseRunStats, parseDrift, parseQuality, parseTimeline, timelineRates } from './stats.js'
export type { TimelineRate } from './stats.js'
export type {
  DriftCounts, QualityCounts, ReportChunk, ReportData, ReportEvent, ReportExport, ReportFile, ReportRun, ReportSelection, RunStats, RunTimeline, RunTimelinePoint, TimelinePoint,
} from './model.js'
