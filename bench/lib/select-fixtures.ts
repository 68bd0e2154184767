import { ALL_FIXTURES, FULL_SET, QUICK_SET, type FixtureSpec } from '../fixtures/index.js'

/** Fixtures named by `--only` (ids from either set), else the quick or the full set. */
export function selectFixtures(quick: boolean, only: string | undefined): FixtureSpec[] {
  if (!only) return [...(quick ? QUICK_SET : FULL_SET)]
  return only.split(',').map((raw) => {
    const id = raw.trim()
    const found = ALL_FIXTURES.find((f) => f.id === id)
    if (!found) throw new Error(`unknown fixture "${id}"; known: ${ALL_FIXTURES.map((f) => f.id).join(', ')}`)
    return found
  })
}

/** PostgreSQL URL of the benchmark source (same variable as the tests). */
export const BENCH_PG_URL = process.env.RIVET_BENCH_PG_URL ?? process.env.RIVET_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
