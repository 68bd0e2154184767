import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { RivetError } from '../errors/index.js'
import { PLAN_VERSION } from './types.js'

/** A plan file as read, before its signature is checked: a JSON object with the fields needed to check it. */
export interface UnverifiedPlan {
  /** Absolute path of the plan file. */
  readonly path: string
  readonly document: Record<string, unknown> & { readonly config_path: string; readonly signature: string }
}

/** Read a plan file; anything that is not a plan this Rivet writes is RIVET_PLAN_TAMPERED. */
export function readPlanFile(path: string): UnverifiedPlan {
  const absolute = resolve(path)
  let text: string
  try {
    text = readFileSync(absolute, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new RivetError('RIVET_USAGE', `plan file ${absolute} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`}`, {
      hint: 'pass the file `rivet plan -o FILE` wrote',
      details: { file: absolute },
      cause: err,
    })
  }
  return { path: absolute, document: parsePlanDocument(text, absolute) }
}

/** Parse plan text; checks only what is needed to find the secret and the signature. */
export function parsePlanDocument(text: string, path: string): UnverifiedPlan['document'] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    throw tampered(path, 'is not valid JSON', { cause: err })
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw tampered(path, 'is not a JSON object')
  const plan = doc as Record<string, unknown>
  if (plan.plan_version !== PLAN_VERSION) {
    throw tampered(path, `has plan_version ${JSON.stringify(plan.plan_version)}; this rivet reads plan_version ${PLAN_VERSION}`)
  }
  if (typeof plan.signature !== 'string' || plan.signature === '') throw tampered(path, 'carries no signature')
  if (typeof plan.config_path !== 'string' || plan.config_path === '') throw tampered(path, 'names no config_path')
  return plan as UnverifiedPlan['document']
}

/** RIVET_PLAN_TAMPERED for a plan file that cannot be trusted. */
export function tampered(path: string, reason: string, extra: { cause?: unknown; details?: Record<string, unknown> } = {}): RivetError {
  return new RivetError('RIVET_PLAN_TAMPERED', `plan ${path} ${reason}: it is not a plan \`rivet plan\` wrote, or it was changed since`, {
    hint: 'run `rivet plan -c CONFIG -o FILE` again and review the new plan; a plan is applied only as written',
    details: { plan: path, ...extra.details },
    ...(extra.cause !== undefined ? { cause: extra.cause } : {}),
  })
}
