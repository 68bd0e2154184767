import type { RunSummary } from '../engine/run-summary.js'

/** Version of the `--summary-output` document; raised only when a field changes meaning or goes away. */
export const SUMMARY_VERSION = 1

/** The document `--summary-output FILE` writes (camelCase keys, like the `--json` report). */
export interface SummaryDocument {
  readonly summaryVersion: typeof SUMMARY_VERSION
  /** The config the command ran, or null when it stopped before knowing it. */
  readonly config: string | null
  /** The exit code of the command. */
  readonly exitCode: number
  /** The error that stopped the command before or between its exports (each export's own error is in its summary). */
  readonly error: { readonly code: string; readonly message: string } | null
  /** One summary per export the command ran, in order. */
  readonly exports: readonly RunSummary[]
}

/** Build the `--summary-output` document. */
export function toSummaryDocument(input: Omit<SummaryDocument, 'summaryVersion'>): SummaryDocument {
  return { summaryVersion: SUMMARY_VERSION, config: input.config, exitCode: input.exitCode, error: input.error, exports: input.exports }
}

/** The document as the bytes written to the file: indented JSON and a final newline. */
export function renderSummaryDocument(document: SummaryDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`
}
