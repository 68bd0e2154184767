import { parseConfig, selectExports } from '../config/index.js'
import type { ResolvedConfig } from '../config/index.js'
import type { PlannedRun } from '../engine/index.js'
import { RivetError } from '../errors/index.js'
import { openExistingState, resolveStateTarget } from '../state/index.js'
import type { CursorRecord } from '../state/index.js'
import { readConfigFile } from './config-file.js'
import { tampered } from './read-plan.js'
import type { UnverifiedPlan } from './read-plan.js'
import { hasValidSignature, PLAN_SECRET_NAME } from './signature.js'
import type { PlanFile, PlannedCursor, PlannedExport } from './types.js'

/** A plan is applied within this long of its making, unless forced. */
export const PLAN_MAX_AGE_MS = 24 * 60 * 60 * 1000

/** Options of verifyPlan. */
export interface VerifyPlanOptions {
  /** Apply a plan older than PLAN_MAX_AGE_MS. */
  readonly force?: boolean
  /** The current time (tests inject a clock). */
  readonly now?: Date
  /** The config to read instead of the plan's config_path (a plan made in another checkout); its bytes must hash the same. */
  readonly configPath?: string
}

/** A plan that passed every check, ready for the engine. */
export interface VerifiedPlan {
  readonly plan: PlanFile
  /** The config, parsed from the very bytes whose hash was checked. */
  readonly config: ResolvedConfig
  /** The run of each export, fixed by the plan, by export name. */
  readonly planned: ReadonlyMap<string, PlannedRun>
  /** How old the plan is. */
  readonly ageMs: number
}

/**
 * Check a plan before anything runs, in this order: its signature against the secret in the state
 * file next to the config (RIVET_PLAN_TAMPERED), its age (RIVET_PLAN_EXPIRED unless forced), the
 * config's bytes and source (RIVET_PLAN_STALE), and the cursor of every incremental export
 * (RIVET_PLAN_CURSOR_MOVED). Reads only: nothing is written, not even a state file.
 */
export function verifyPlan(unverified: UnverifiedPlan, options: VerifyPlanOptions = {}): VerifiedPlan {
  const doc = unverified.document
  const configPath = options.configPath ?? doc.config_path
  const statePath = resolveStateTarget(configPath).location
  const state = openExistingState(configPath)
  if (state === null) throw tampered(unverified.path, `cannot be verified: there is no state file at ${statePath}, where its signing secret is kept`, { details: { statePath } })
  try {
    const secret = state.getSecret(PLAN_SECRET_NAME)
    if (secret === undefined) throw tampered(unverified.path, `cannot be verified: state file ${statePath} holds no plan-signing secret`, { details: { statePath } })
    if (!hasValidSignature(doc, secret)) throw tampered(unverified.path, 'does not match its signature', { details: { statePath } })
    const plan = doc as unknown as PlanFile
    const ageMs = checkAge(unverified.path, plan, options)
    const config = checkConfig(unverified.path, plan, configPath)
    const exports = selectExports(config, plan.exports.map((e) => e.name))
    for (const exp of exports) if (exp.mode !== plan.exports.find((e) => e.name === exp.name)!.mode) throw stale(unverified.path, `export ${exp.name} changed mode`)
    for (const entry of plan.exports) if (entry.mode === 'incremental') checkCursor(unverified.path, entry, state.getCursor(entry.name))
    return { plan, config, planned: new Map(plan.exports.map((e) => [e.name, toPlannedRun(e)])), ageMs }
  } finally {
    state.close()
  }
}

function checkAge(path: string, plan: PlanFile, options: VerifyPlanOptions): number {
  const created = Date.parse(plan.created_at)
  if (Number.isNaN(created)) throw tampered(path, `has an unreadable created_at ${JSON.stringify(plan.created_at)}`)
  const ageMs = (options.now ?? new Date()).getTime() - created
  if (ageMs > PLAN_MAX_AGE_MS && options.force !== true) {
    throw new RivetError('RIVET_PLAN_EXPIRED', `plan ${path} was made ${formatAge(ageMs)} ago (${plan.created_at}); a plan is applied within 24 h of its making`, {
      hint: `run \`rivet plan -c ${plan.config_path} -o ${path}\` again and review it, or pass --force to apply this plan as it is`,
      details: { plan: path, createdAt: plan.created_at, ageMs },
    })
  }
  return ageMs
}

/** The config from the same bytes that were hashed; its source must still be the plan's. */
function checkConfig(path: string, plan: PlanFile, configPath: string): ResolvedConfig {
  const file = readConfigFile(configPath)
  if (file.sha256 !== plan.config_sha256) {
    throw stale(path, `config file ${file.path} changed since the plan was made (sha256 ${file.sha256.slice(0, 12)}…, planned ${plan.config_sha256.slice(0, 12)}…)`, {
      config: file.path, sha256: file.sha256, plannedSha256: plan.config_sha256,
    })
  }
  const config = parseConfig(file.text, { configPath: file.path })
  const { host, database } = config.source.connection
  // the same bytes can name another database through ${VAR}, url_env or url_file
  if (config.source.type !== plan.source.type || host !== plan.source.host || database !== plan.source.database) {
    throw stale(path, `the config now reads from ${config.source.type} ${host}/${database}; the plan was made against ${plan.source.type} ${plan.source.host}/${plan.source.database}`, {
      source: { type: config.source.type, host, database }, plannedSource: plan.source,
    })
  }
  return config
}

/** The cursor in state must be the snapshot the plan was made from: another run would move the lower bound. */
function checkCursor(path: string, entry: PlannedExport, now: CursorRecord | undefined): void {
  const planned = entry.incremental?.cursor ?? null
  if (sameCursor(planned, now)) return
  const was = planned === null ? 'no cursor' : `cursor ${planned.value} (run ${planned.run_id})`
  const is = now === undefined ? 'no cursor (it was reset)' : `cursor ${now.value} (run ${now.runId}, ${now.updatedAt.toISOString()})`
  throw new RivetError('RIVET_PLAN_CURSOR_MOVED', `export ${entry.name}: the plan was made at ${was}; the state now holds ${is}`, {
    hint: 'another run (or a reset) moved the cursor since the plan was made: run `rivet plan` again and review the new plan',
    details: { plan: path, export: entry.name, planned, now: now === undefined ? null : { value: now.value, runId: now.runId } },
  })
}

function sameCursor(planned: PlannedCursor | null, now: CursorRecord | undefined): boolean {
  if (planned === null || now === undefined) return planned === null && now === undefined
  return planned.value === now.value && planned.type === now.type && planned.run_id === now.runId && planned.boundary_complete === now.boundaryComplete &&
    JSON.stringify(planned.boundary_keys) === JSON.stringify(now.boundaryKeys)
}

/** What the engine executes for one planned export. */
function toPlannedRun(entry: PlannedExport): PlannedRun {
  const columns = entry.columns.map((c) => ({ name: c.name, sourceType: c.source_type, type: c.type }))
  if (entry.mode === 'chunked') {
    const c = entry.chunks
    return { columns, chunks: c === null ? 'single' : { column: c.column, parallel: c.parallel, ranges: c.ranges.map((r) => ({ index: r.index, lo: r.lo, hi: r.hi })) } }
  }
  if (entry.mode === 'incremental') {
    const c = entry.incremental?.cursor ?? null
    return { columns, cursor: c === null ? null : { value: c.value, type: c.type, boundaryKeys: c.boundary_keys, boundaryComplete: c.boundary_complete } }
  }
  return { columns }
}

function stale(path: string, reason: string, details: Record<string, unknown> = {}): RivetError {
  return new RivetError('RIVET_PLAN_STALE', `plan ${path}: ${reason}`, {
    hint: 'run `rivet plan` again against the current config and review the new plan',
    details: { plan: path, ...details },
  })
}

function formatAge(ms: number): string {
  const hours = ms / 3_600_000
  return hours >= 48 ? `${Math.floor(hours / 24)} days` : `${Math.floor(hours)} h`
}

