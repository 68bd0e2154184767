import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../../src/config/index.js'
import { assertFilesHoldRows } from '../../../src/engine/chunked-runner.js'
import { isRivetError } from '../../../src/errors/index.js'

const exp = parseConfig('source:\n  type: postgres\n  url: postgresql://r@h/d\nexports:\n  - { name: t, table: t, format: csv, mode: chunked, chunk_column: id, destination: { type: local, path: o } }\n', { configPath: '/tmp/rivet.yaml', env: {} }).exports[0]!

const task = (index: number, rows: number, status = 'completed') => ({ index, rows, status })
const file = (chunkIndex: number | null, rows: number) => ({ chunkIndex, rows })

describe('assertFilesHoldRows', () => {
  it('accepts files that hold every chunk\'s rows', () => {
    expect(() => assertFilesHoldRows(exp, [task(0, 10), task(1, 0), task(2, 5)], [file(0, 6), file(0, 4), file(2, 5)], 15)).not.toThrow()
    expect(() => assertFilesHoldRows(exp, null, [file(null, 7)], 7)).not.toThrow()
  })

  it('refuses to seal when a chunk\'s file is missing, a chunk is unfinished, or totals differ', () => {
    const missing = (() => {
      try {
        assertFilesHoldRows(exp, [task(0, 10), task(3, 10)], [file(0, 10)], 20)
      } catch (err) {
        return err
      }
    })()
    expect(isRivetError(missing) && missing.message).toBe('export t: the files do not hold every row read (chunk 3 read 10 row(s) but its files hold 0); the run is not sealed')
    expect(() => assertFilesHoldRows(exp, [task(0, 10, 'running')], [file(0, 10)], 10)).toThrow(/chunk 0 is running/)
    expect(() => assertFilesHoldRows(exp, null, [file(null, 7)], 8)).toThrow(/the chunks read 8 row\(s\) but the files hold 7/)
  })
})
