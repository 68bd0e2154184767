import { RivetError } from '../errors/index.js'
import type { RunRecord, StateStore } from '../state/index.js'

/**
 * The journal event `rivet repair` appends to the run it started: kind `plan`, with
 * `data.repair_of` naming the run whose chunks it exported again and `data.chunks` their indexes.
 */
export const REPAIR_EVENT_KIND = 'plan'
export const REPAIR_OF_KEY = 'repair_of'

/** A run of `exportName` by id, which must have completed; RIVET_RUN_NOT_FOUND otherwise. */
export function requireCompletedRun(state: StateStore | null, exportName: string, runId: string): RunRecord {
  const run = state?.getRun(runId)
  if (run === undefined || run.exportName !== exportName) {
    throw new RivetError('RIVET_RUN_NOT_FOUND', `export ${exportName} has no run ${runId}`, { details: { export: exportName, runId } })
  }
  if (run.status !== 'completed') {
    throw new RivetError('RIVET_RUN_NOT_FOUND', `run ${runId} of export ${exportName} is ${run.status}; only a completed run is sealed and can be checked`, {
      hint: run.status === 'running' ? 'wait for the run to finish' : `\`rivet run -c rivet.yaml -e ${exportName} --resume\` finishes a checkpointed chunked run; otherwise run the export again`,
      details: { export: exportName, runId, status: run.status },
    })
  }
  return run
}

/** The completed runs of an export, newest first. */
export function completedRuns(state: StateStore | null, exportName: string): RunRecord[] {
  return state?.listRuns({ exportName, status: 'completed' }) ?? []
}

/** Repair runs of an export and the run each one repaired: repair run id → original run id. */
export function repairLinks(state: StateStore | null, exportName: string): Map<string, string> {
  const links = new Map<string, string>()
  for (const event of state?.listEvents({ exportName, kind: REPAIR_EVENT_KIND }) ?? []) {
    const original = event.data?.[REPAIR_OF_KEY]
    if (typeof original === 'string') links.set(event.runId, original)
  }
  return links
}

/**
 * Whether a run read the whole export: no chunk records, or chunks 0..n-1 whose bounds join up
 * from an open start to an open end. A repair run reads some chunks only.
 */
export function coversWholeExport(state: StateStore, runId: string): boolean {
  const tasks = state.listChunkTasks({ runId })
  if (tasks.length === 0) return true
  return tasks.every((t, i) => t.index === i && (i === 0 ? t.lo === null : t.lo === tasks[i - 1]!.hi)) && tasks.at(-1)!.hi === null
}

/**
 * The run to reconcile: the one named (or, when it is a repair run, the run it repaired), else the
 * latest completed run of the export that is not itself a repair — linked as one in the journal,
 * or reading only some chunks (a repair whose link was never written).
 */
export function originalRun(state: StateStore | null, exportName: string, runId: string | undefined): { run: RunRecord | undefined; repairs: RunRecord[] } {
  const links = repairLinks(state, exportName)
  let run: RunRecord | undefined
  if (runId !== undefined) {
    const named = requireCompletedRun(state, exportName, runId)
    const original = links.get(named.runId)
    run = original === undefined ? named : requireCompletedRun(state, exportName, original)
  } else {
    run = completedRuns(state, exportName).find((r) => !links.has(r.runId) && coversWholeExport(state!, r.runId))
  }
  if (run === undefined) return { run, repairs: [] }
  const base = run.runId
  // oldest first: a later repair of a chunk supersedes an earlier one
  const repairs = completedRuns(state, exportName).filter((r) => links.get(r.runId) === base).reverse()
  return { run, repairs }
}
