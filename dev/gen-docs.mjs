// Regenerates the docs that are derived from code (run after `npm run build`): `make docs`.
import { writeFileSync } from 'node:fs'
import { renderConfigReference } from '../dist/src/config/index.js'
import { renderCliReference } from '../dist/src/cli/render-cli-reference.js'

writeFileSync(new URL('../docs/configuration.md', import.meta.url), renderConfigReference())
writeFileSync(new URL('../docs/cli.md', import.meta.url), renderCliReference())
console.log('wrote docs/configuration.md and docs/cli.md')
