import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { openExistingState } from '../state/index.js'
import type { StateStore } from '../state/index.js'
import { canonicalJson } from './canonical-json.js'
import type { PlanBody, PlanFile } from './types.js'

/** Name of the plan-signing secret in the state file. */
export const PLAN_SECRET_NAME = 'plan-signing-key'

const PREFIX = 'hmac-sha256:'

/** The state file's plan-signing secret, created (32 random bytes) on first use. */
export function ensurePlanSecret(state: StateStore): string {
  return state.ensureSecret(PLAN_SECRET_NAME, () => randomBytes(32).toString('hex'))
}

/** `hmac-sha256:<hex>` of the canonical JSON of `body`, keyed by `secret`. */
export function planSignature(body: PlanBody, secret: string): string {
  return PREFIX + createHmac('sha256', secret).update(canonicalJson(body)).digest('hex')
}

/** The plan with its signature (any signature `body` carries is replaced). */
export function signPlan(body: PlanBody, secret: string): PlanFile {
  const { signature: _old, ...rest } = body as PlanBody & { signature?: string }
  return { ...rest, signature: planSignature(rest, secret) }
}

/** Whether `plan.signature` is the signature of the rest of the plan under `secret` (constant-time compare). */
export function hasValidSignature(plan: Record<string, unknown>, secret: string): boolean {
  const { signature, ...body } = plan
  if (typeof signature !== 'string') return false
  const expected = Buffer.from(planSignature(body as unknown as PlanBody, secret))
  const given = Buffer.from(signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}

/**
 * The plan-signing secret of a config's state file, read only; undefined when there is no state
 * file or no secret yet. Whoever can read the state file can sign plans for it.
 */
export function readPlanSecret(configPath: string): string | undefined {
  const state = openExistingState(configPath)
  if (state === null) return undefined
  try {
    return state.getSecret(PLAN_SECRET_NAME)
  } finally {
    state.close()
  }
}
