import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ensurePlanSecret, hasValidSignature, planSignature, readPlanSecret, signPlan } from '../../../src/plan-file/index.js'
import { defaultStatePath, openStateStore } from '../../../src/state/index.js'
import { tempDir, writeConfig } from '../../helpers/cli.js'
import { planFixture } from './fixtures.js'

describe('plan signatures', () => {
  it('is an HMAC-SHA256 of the canonical body: layout-independent, key- and content-sensitive', () => {
    const { body } = planFixture(new Date('2026-11-20T10:00:00Z'))
    const signed = signPlan(body, 'k1')
    expect(signed.signature).toMatch(/^hmac-sha256:[0-9a-f]{64}$/)
    const reparsed = JSON.parse(JSON.stringify(signed, null, 3)) as Record<string, unknown>
    expect(hasValidSignature(reparsed, 'k1')).toBe(true)
    expect(hasValidSignature(reparsed, 'k2')).toBe(false)
    expect(planSignature(body, 'k1')).not.toBe(planSignature({ ...body, created_at: '2026-11-20T10:00:01.000Z' }, 'k1'))
    expect(hasValidSignature({ ...reparsed, rivet_version: '9.9.9' }, 'k1')).toBe(false)
    expect(hasValidSignature({ ...reparsed, signature: 42 }, 'k1')).toBe(false)
    // re-signing replaces the old signature instead of signing over it
    expect(signPlan(signed, 'k1').signature).toBe(signed.signature)
  })

  it('keeps one random secret per state file, created on first use and never replaced', () => {
    const dir = tempDir('rivet-plan-secret-')
    const configPath = writeConfig(dir, 'x: 1\n')
    expect(readPlanSecret(configPath)).toBeUndefined()
    const first = openStateStore(defaultStatePath(configPath))
    const secret = ensurePlanSecret(first)
    first.close()
    expect(secret).toMatch(/^[0-9a-f]{64}$/)
    const second = openStateStore(defaultStatePath(configPath))
    expect(ensurePlanSecret(second)).toBe(secret)
    expect(second.ensureSecret('plan-signing-key', () => 'other')).toBe(secret)
    second.close()
    expect(readPlanSecret(configPath)).toBe(secret)
    const elsewhere = openStateStore(join(tempDir('rivet-plan-secret-'), 'state.db'))
    expect(ensurePlanSecret(elsewhere)).not.toBe(secret)
    elsewhere.close()
  })
})
