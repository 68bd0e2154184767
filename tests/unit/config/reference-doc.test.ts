/**
 * docs/configuration.md is generated. To refresh it after changing the schema:
 *   RIVET_UPDATE_DOCS=1 npx vitest run tests/unit/config/reference-doc.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CONFIG_SCHEMA, renderConfigReference } from '../../../src/config/index.js'
import { keyPaths } from '../../../src/config/suggest-key.js'

const DOC = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url))

describe('docs/configuration.md', () => {
  const rendered = renderConfigReference()

  it('is up to date with the schema', () => {
    if (process.env.RIVET_UPDATE_DOCS === '1') writeFileSync(DOC, rendered)
    const onDisk = readFileSync(DOC, 'utf8')
    expect(onDisk === rendered, 'docs/configuration.md is stale: run RIVET_UPDATE_DOCS=1 npx vitest run tests/unit/config/reference-doc.test.ts').toBe(true)
  })

  it('documents every key and every profile', () => {
    for (const path of keyPaths(CONFIG_SCHEMA)) {
      const key = path.slice(path.lastIndexOf('.') + 1).replace('[]', '')
      expect(rendered, path).toContain(`| \`${key}\` |`)
    }
    expect(rendered).toContain('| `batch_size_memory_mb` | 16 | 4 | 4 |')
    expect(rendered).toContain('| `throttle_ms` | 0 | 0 | 50 |')
  })
})
