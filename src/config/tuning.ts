/**
 * Tuning profiles and the layering of tuning keys:
 * export `tuning:` keys → source `tuning:` keys → the chosen profile's defaults.
 */
import type { ResolvedTuning, TuningProfileName } from './types.js'

/** The values a profile sets; `batchSize` and `memoryMb` are profile-independent. */
export type ProfileDefaults = Omit<ResolvedTuning, 'profile' | 'batchSize' | 'memoryMb'>

/** Profile used when neither the export nor the source names one. */
export const DEFAULT_PROFILE: TuningProfileName = 'balanced'

/** Default process memory budget in MiB. */
export const DEFAULT_MEMORY_MB = 512

/** What each profile sets. `fast` trusts the source; `safe` protects a fragile one. */
export const TUNING_PROFILES: Readonly<Record<TuningProfileName, ProfileDefaults>> = {
  fast: { batchSizeMemoryMb: 16, statementTimeoutS: 300, lockTimeoutS: 10, maxRetries: 3, retryBackoffMs: 1000, throttleMs: 0 },
  balanced: { batchSizeMemoryMb: 4, statementTimeoutS: 120, lockTimeoutS: 5, maxRetries: 3, retryBackoffMs: 2000, throttleMs: 0 },
  safe: { batchSizeMemoryMb: 4, statementTimeoutS: 60, lockTimeoutS: 2, maxRetries: 5, retryBackoffMs: 5000, throttleMs: 50 },
}

/** Maps YAML keys of a `tuning:` block to ResolvedTuning fields. */
export const TUNING_KEYS = {
  batch_size: 'batchSize',
  batch_size_memory_mb: 'batchSizeMemoryMb',
  statement_timeout_s: 'statementTimeoutS',
  lock_timeout_s: 'lockTimeoutS',
  max_retries: 'maxRetries',
  retry_backoff_ms: 'retryBackoffMs',
  memory_mb: 'memoryMb',
  throttle_ms: 'throttleMs',
} as const satisfies Record<string, keyof ResolvedTuning>

/** A validated `tuning:` block as written in YAML (keys absent when not set). */
export type TuningInput = Partial<Record<keyof typeof TUNING_KEYS, number>> & { profile?: TuningProfileName }

/** Merge tuning layers: later layers override earlier ones; the profile fills what none sets. */
export function resolveTuning(...layers: readonly (TuningInput | undefined)[]): ResolvedTuning {
  let profile: TuningProfileName = DEFAULT_PROFILE
  for (const layer of layers) if (typeof layer?.profile === 'string') profile = layer.profile
  const pick = <K extends keyof typeof TUNING_KEYS>(key: K, fallback: number | null): number | null => {
    let value = fallback
    for (const layer of layers) if (typeof layer?.[key] === 'number') value = layer[key] as number
    return value
  }
  const base = TUNING_PROFILES[profile]
  return {
    profile,
    batchSize: pick('batch_size', null),
    batchSizeMemoryMb: pick('batch_size_memory_mb', base.batchSizeMemoryMb) as number,
    statementTimeoutS: pick('statement_timeout_s', base.statementTimeoutS) as number,
    lockTimeoutS: pick('lock_timeout_s', base.lockTimeoutS) as number,
    maxRetries: pick('max_retries', base.maxRetries) as number,
    retryBackoffMs: pick('retry_backoff_ms', base.retryBackoffMs) as number,
    memoryMb: pick('memory_mb', DEFAULT_MEMORY_MB) as number,
    throttleMs: pick('throttle_ms', base.throttleMs) as number,
  }
}
