import { cpSync, existsSync, writeFileSync, appendFileSync } from 'node:fs'
import { caught } from '../../helpers/errors.js'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { canonicalJson, ensurePlanSecret, PLAN_MAX_AGE_MS, readPlanFile, signPlan, toPlannedCursor, verifyPlan } from '../../../src/plan-file/index.js'
import type { PlanBody, PlanFile } from '../../../src/plan-file/index.js'
import { defaultStatePath, openStateStore } from '../../../src/state/index.js'
import type { StateStore } from '../../../src/state/index.js'
import { tempDir } from '../../helpers/cli.js'
import { CONFIG_YAML, planFixture, planPathIn } from './fixtures.js'

const T0 = new Date('2026-11-20T10:00:00.000Z')
const SOON = new Date(T0.getTime() + 60_000)

function withState<T>(configPath: string, fn: (state: StateStore) => T): T {
  const state = openStateStore(defaultStatePath(configPath))
  try {
    return fn(state)
  } finally {
    state.close()
  }
}

/** Sign `body` with the state's secret (created on first use) and write it; returns the plan path. */
function writeSigned(dir: string, configPath: string, body: PlanBody): string {
  const plan = withState(configPath, (state) => signPlan(body, ensurePlanSecret(state)))
  const path = planPathIn(dir)
  writeFileSync(path, JSON.stringify(plan, null, 2))
  return path
}


/** Store a cursor the way a completed incremental run does. */
function storeCursor(state: StateStore, runId: string, value: string): void {
  state.beginRun({ runId, exportName: 'orders', startedAt: new Date(), pid: process.pid, hostname: 'h', rivetVersion: '0', configPath: 'c', format: 'csv', compression: 'zstd', mode: 'incremental' })
  state.completeRun(runId, { rows: 1, bytes: 1, filesCount: 0, durationMs: 1, peakRssBytes: 1, finishedAt: new Date() }, {
    cursor: { value, type: 'timestamptz', boundaryKeys: [['7']], boundaryComplete: true },
  })
}

describe('verifyPlan', () => {
  it('accepts the plan as signed and turns it into the engine’s planned runs', () => {
    const { dir, configPath, body } = planFixture(T0)
    const verified = verifyPlan(readPlanFile(writeSigned(dir, configPath, body)), { now: SOON })
    expect(verified.ageMs).toBe(60_000)
    expect(verified.config.exports.map((e) => e.name)).toEqual(['events', 'orders'])
    expect(verified.planned.get('events')).toEqual({
      columns: [{ name: 'id', sourceType: 'bigint', type: 'int64' }],
      chunks: { column: 'id', parallel: 2, ranges: [{ index: 0, lo: null, hi: '1001' }, { index: 1, lo: '1001', hi: null }] },
    })
    expect(verified.planned.get('orders')).toEqual({ columns: [{ name: 'id', sourceType: 'bigint', type: 'int64' }], cursor: null })
  })

  it('refuses a plan whose chunk bound or table was edited (RIVET_PLAN_TAMPERED)', () => {
    const { dir, configPath, body } = planFixture(T0)
    const path = writeSigned(dir, configPath, body)
    const signed = readPlanFile(path).document as unknown as PlanFile
    const editedBound = JSON.parse(JSON.stringify(signed)) as { exports: { chunks: { ranges: { hi: string | null }[] } | null; table: string }[] }
    editedBound.exports[0]!.chunks!.ranges[0]!.hi = '1002'
    writeFileSync(path, JSON.stringify(editedBound))
    expect(caught(() => verifyPlan(readPlanFile(path), { now: SOON })).code).toBe('RIVET_PLAN_TAMPERED')
    const editedTable = JSON.parse(JSON.stringify(signed)) as typeof editedBound
    editedTable.exports[1]!.table = 'public.customers'
    writeFileSync(path, JSON.stringify(editedTable))
    const err = caught(() => verifyPlan(readPlanFile(path), { now: SOON }))
    expect(err.code).toBe('RIVET_PLAN_TAMPERED')
    expect(err.exitCode).toBe(1)
    expect(err.hint).toMatch(/rivet plan/)
  })

  it('refuses an edit whose author recomputed a plain hash, or signed with another secret', () => {
    const { dir, configPath, body } = planFixture(T0)
    const path = writeSigned(dir, configPath, body)
    const edited = { ...body, exports: body.exports.slice(1) }
    writeFileSync(path, JSON.stringify({ ...edited, signature: `hmac-sha256:${createHash('sha256').update(canonicalJson(edited)).digest('hex')}` }))
    expect(caught(() => verifyPlan(readPlanFile(path), { now: SOON })).code).toBe('RIVET_PLAN_TAMPERED')
    writeFileSync(path, JSON.stringify(signPlan(edited, 'a'.repeat(64))))
    expect(caught(() => verifyPlan(readPlanFile(path), { now: SOON })).code).toBe('RIVET_PLAN_TAMPERED')
  })

  it('refuses text that is not a plan, and a plan that cannot be verified', () => {
    const { dir, configPath, body } = planFixture(T0)
    const path = planPathIn(dir)
    writeFileSync(path, '{"plan_version": 1, "exports": [')
    expect(caught(() => readPlanFile(path)).message).toMatch(/not valid JSON/)
    writeFileSync(path, JSON.stringify({ ...body, plan_version: 2, signature: 'x' }))
    expect(caught(() => readPlanFile(path)).code).toBe('RIVET_PLAN_TAMPERED')
    writeFileSync(path, JSON.stringify(body))
    expect(caught(() => readPlanFile(path)).message).toMatch(/no signature/)
    // signed, but no state file next to the config: the secret is not there to check it
    writeFileSync(path, JSON.stringify(signPlan(body, 'b'.repeat(64))))
    expect(existsSync(defaultStatePath(configPath))).toBe(false)
    const err = caught(() => verifyPlan(readPlanFile(path), { now: SOON }))
    expect([err.code, err.message]).toEqual(['RIVET_PLAN_TAMPERED', expect.stringMatching(/no state file/)])
    expect(existsSync(defaultStatePath(configPath)), 'verifying creates no state file').toBe(false)
    // a state file without a secret
    withState(configPath, () => undefined)
    expect(caught(() => verifyPlan(readPlanFile(path), { now: SOON })).message).toMatch(/holds no plan-signing secret/)
  })

  it('refuses a plan older than 24 h unless forced (RIVET_PLAN_EXPIRED)', () => {
    const { dir, configPath, body } = planFixture(T0)
    const path = writeSigned(dir, configPath, body)
    const late = new Date(T0.getTime() + PLAN_MAX_AGE_MS + 1000)
    expect(verifyPlan(readPlanFile(path), { now: new Date(T0.getTime() + PLAN_MAX_AGE_MS) }).ageMs).toBe(PLAN_MAX_AGE_MS)
    const err = caught(() => verifyPlan(readPlanFile(path), { now: late }))
    expect([err.code, err.exitCode]).toEqual(['RIVET_PLAN_EXPIRED', 1])
    expect(err.hint).toMatch(/--force/)
    expect(verifyPlan(readPlanFile(path), { now: late, force: true }).ageMs).toBe(PLAN_MAX_AGE_MS + 1000)
  })

  it('refuses a plan whose config bytes or source changed (RIVET_PLAN_STALE)', () => {
    const { dir, configPath, body } = planFixture(T0)
    const path = writeSigned(dir, configPath, body)
    appendFileSync(configPath, '# reviewed\n')
    const err = caught(() => verifyPlan(readPlanFile(path), { now: SOON }))
    expect([err.code, err.details.plannedSha256]).toEqual(['RIVET_PLAN_STALE', body.config_sha256])
    // the same bytes, resolving to another database through the environment
    const viaEnv = planFixture(T0, CONFIG_YAML.replace('url: postgres://reader:s3cret@db.example:5432/shop', 'url: ${RIVET_PLAN_UNIT_URL}'))
    process.env.RIVET_PLAN_UNIT_URL = 'postgres://reader@db.example:5432/shop'
    const envPath = writeSigned(viaEnv.dir, viaEnv.configPath, viaEnv.body)
    expect(verifyPlan(readPlanFile(envPath), { now: SOON }).config.source.connection.database).toBe('shop')
    process.env.RIVET_PLAN_UNIT_URL = 'postgres://reader@db.example:5432/staging'
    const moved = caught(() => verifyPlan(readPlanFile(envPath), { now: SOON }))
    expect([moved.code, moved.message]).toEqual(['RIVET_PLAN_STALE', expect.stringMatching(/staging.*shop/)])
    delete process.env.RIVET_PLAN_UNIT_URL
  })

  it('reads a config given instead of the plan’s config_path when its bytes and state match', () => {
    const { dir, configPath, body } = planFixture(T0)
    const path = writeSigned(dir, configPath, body)
    const copy = tempDir('rivet-plan-copy-')
    cpSync(dir, copy, { recursive: true })
    const copied = join(copy, 'rivet.yaml')
    expect(verifyPlan(readPlanFile(path), { now: SOON, configPath: copied }).config.configPath).toBe(copied)
    // another checkout whose state holds another secret cannot vouch for this plan
    const other = planFixture(T0)
    withState(other.configPath, (state) => ensurePlanSecret(state))
    expect(caught(() => verifyPlan(readPlanFile(path), { now: SOON, configPath: other.configPath })).code).toBe('RIVET_PLAN_TAMPERED')
  })

  it('refuses a plan whose incremental cursor moved since planning (RIVET_PLAN_CURSOR_MOVED)', () => {
    const { dir, configPath, body } = planFixture(T0)
    // planned before the first run: no cursor; a run then stores one
    const firstPath = writeSigned(dir, configPath, body)
    withState(configPath, (state) => storeCursor(state, 'run-1', '2026-11-20 09:00:00+00'))
    const err = caught(() => verifyPlan(readPlanFile(firstPath), { now: SOON }))
    expect([err.code, err.exitCode, err.details.export]).toEqual(['RIVET_PLAN_CURSOR_MOVED', 1, 'orders'])
    // planned at that cursor: accepted, and the snapshot becomes the engine's lower bound
    const cursor = withState(configPath, (state) => toPlannedCursor(state.getCursor('orders')!))
    const atCursor = { ...body, exports: body.exports.map((e) => (e.incremental === null ? e : { ...e, incremental: { ...e.incremental, cursor } })) }
    const path = writeSigned(dir, configPath, atCursor)
    expect(verifyPlan(readPlanFile(path), { now: SOON }).planned.get('orders')?.cursor).toEqual({
      value: '2026-11-20 09:00:00+00', type: 'timestamptz', boundaryKeys: [['7']], boundaryComplete: true,
    })
    withState(configPath, (state) => storeCursor(state, 'run-2', '2026-11-20 09:30:00+00'))
    expect(caught(() => verifyPlan(readPlanFile(path), { now: SOON })).message).toMatch(/09:00:00.*09:30:00/)
    withState(configPath, (state) => state.resetExport('orders', { cursor: true, chunks: false }))
    expect(caught(() => verifyPlan(readPlanFile(path), { now: SOON })).message).toMatch(/it was reset/)
  })
})
