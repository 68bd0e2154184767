import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// The harness's own tests (the root config only collects tests/ and src/):
//   npx vitest run --config bench/vitest.config.mts
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['bench/**/*.test.ts', 'native-bench/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
