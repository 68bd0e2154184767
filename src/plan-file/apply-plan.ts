import { runExports } from '../engine/index.js'
import type { ExportProcessRunner, RunObserver, RunReport } from '../engine/index.js'
import { RivetError } from '../errors/index.js'
import { RIVET_VERSION } from '../version.js'
import { readPlanFile } from './read-plan.js'
import { PLAN_MAX_AGE_MS, verifyPlan } from './verify-plan.js'
import type { VerifyPlanOptions } from './verify-plan.js'

/** Options of applyPlan. */
export interface ApplyPlanOptions extends VerifyPlanOptions {
  readonly planPath: string
  readonly signal?: AbortSignal
  /** Human progress lines (stderr in the CLI). */
  readonly log?: (line: string) => void
  /** Told when exports start, progress and finish (live progress displays). */
  readonly observer?: RunObserver
  /** Apply only these exports of the plan (an export's process of a parent apply); default all. */
  readonly onlyExports?: readonly string[]
  /** As in runExports: exports at the same time, in processes of their own, within a share of the budget. */
  readonly parallelExportProcesses?: boolean
  readonly exportProcess?: ExportProcessRunner
  readonly connectionCap?: number
}

/**
 * Verify a plan (see verifyPlan: nothing runs and nothing is written when a check fails), then run
 * exactly its exports as `rivet run` would — recorded in state the same way — with the chunk ranges
 * and cursor snapshots the plan holds instead of planning anew.
 */
export async function applyPlan(options: ApplyPlanOptions): Promise<RunReport> {
  const log = options.log ?? (() => undefined)
  const { plan, config, planned, ageMs } = verifyPlan(readPlanFile(options.planPath), options)
  if (plan.rivet_version !== RIVET_VERSION) log(`plan: made by rivet ${plan.rivet_version}, applied by rivet ${RIVET_VERSION}`)
  if (ageMs > PLAN_MAX_AGE_MS) log(`plan: made at ${plan.created_at}, more than 24 h ago: applied because of --force`)
  const names = plan.exports.map((e) => e.name)
  const unknown = (options.onlyExports ?? []).filter((name) => !names.includes(name))
  if (unknown.length > 0) {
    throw new RivetError('RIVET_USAGE', `the plan has no export ${unknown.join(', ')}; it plans ${names.join(', ')}`)
  }
  return runExports({
    configPath: config.configPath, config, exports: options.onlyExports ?? names, planned,
    signal: options.signal, log, observer: options.observer,
    parallelExportProcesses: options.parallelExportProcesses, exportProcess: options.exportProcess, connectionCap: options.connectionCap,
  })
}
