export { applyPlan } from './apply-plan.js'
export type { ApplyPlanOptions } from './apply-plan.js'
export { canonicalJson } from './canonical-json.js'
export { readConfigFile } from './config-file.js'
export { writePlanFile } from './write-plan.js'
export type { ConfigFile } from './config-file.js'
export { createPlan, toPlannedCursor } from './create-plan.js'
export type { CreatePlanOptions } from './create-plan.js'
export { parsePlanDocument, readPlanFile } from './read-plan.js'
export type { UnverifiedPlan } from './read-plan.js'
export { ensurePlanSecret, hasValidSignature, PLAN_SECRET_NAME, planSignature, readPlanSecret, signPlan } from './signature.js'
export { PLAN_MAX_AGE_MS, verifyPlan } from './verify-plan.js'
export type { VerifiedPlan, VerifyPlanOptions } from './verify-plan.js'
export { PLAN_VERSION } from './types.js'
export type {
  PlanBody, PlanFile, PlannedChunkSet, PlannedColumnEntry, PlannedCursor, PlannedDestination, PlannedExport, PlannedIncremental, PlannedOutput,
  PlannedRange, PlannedRead, PlannedTimeWindow,
} from './types.js'
