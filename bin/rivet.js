#!/usr/bin/env node
import('../dist/src/cli/main.js').catch((err) => {
  process.stderr.write(`[RIVET_INTERNAL] rivet is not built: ${err && err.message}\n  hint: run \`npm ci\` (or \`npm run build\`) in the checkout\n`)
  process.exit(1)
})
