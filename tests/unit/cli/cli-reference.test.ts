import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderCliReference } from '../../../src/cli/render-cli-reference.js'

const DOC = new URL('../../../docs/cli.md', import.meta.url)

describe('docs/cli.md', () => {
  it('matches the commands’ own usage (regenerate with RIVET_UPDATE_DOCS=1)', () => {
    const expected = renderCliReference()
    if (process.env.RIVET_UPDATE_DOCS === '1') writeFileSync(DOC, expected)
    expect(readFileSync(DOC, 'utf8')).toBe(expected)
  })

  it('documents every command with a description and examples', () => {
    const doc = renderCliReference()
    for (const path of ['rivet run', 'rivet demo', 'rivet state files', 'rivet state chunks', 'rivet state reset', 'rivet metrics', 'rivet schema config']) expect(doc).toContain(`## \`${path}`)
    expect(doc.match(/Examples:/g)?.length).toBeGreaterThanOrEqual(5)
  })
})
