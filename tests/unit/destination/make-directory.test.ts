import { mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeDirectory } from '../../../src/destination/local/make-directory.js'

describe('makeDirectory', () => {
  it('creates missing levels and accepts an existing directory', async () => {
    const base = mkdtempSync(join(tmpdir(), 'rivet-mkdir-'))
    const deep = join(base, 'a', 'b', 'c')
    await makeDirectory(deep)
    expect(statSync(deep).isDirectory()).toBe(true)
    await makeDirectory(deep)
  })

  it('fails (instead of hanging) where the file system refuses new directories', async () => {
    await expect(makeDirectory('/proc/rivet-cannot-write/x')).rejects.toMatchObject({ code: expect.stringMatching(/ENOENT|EACCES|EPERM/) })
  })

  it('reports a file in the way', async () => {
    const base = mkdtempSync(join(tmpdir(), 'rivet-mkdir-'))
    writeFileSync(join(base, 'file'), 'x')
    await expect(makeDirectory(join(base, 'file', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' })
  })
})
