import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    // clipanion's "module" build has a directory import Node's ESM loader rejects; use its CommonJS
    // entry, which is what Node itself loads for the CLI
    alias: {
      clipanion: fileURLToPath(new URL('./node_modules/clipanion/lib/advanced/index.js', import.meta.url)),
      // Rivet loads apache-arrow's single-file build (src/arrow/lib.ts); tests that hand Arrow
      // objects to it must use the same copy, or the classes differ
      'apache-arrow': fileURLToPath(new URL('./node_modules/apache-arrow/Arrow.esnext.min.js', import.meta.url)),
    },
  },
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
