import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // integration tests share the local servers; files run one at a time to keep connection use predictable
    fileParallelism: false,
    reporters: ['default'],
  },
})
