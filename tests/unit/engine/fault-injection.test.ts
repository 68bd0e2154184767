import { describe, expect, it } from 'vitest'
import { panicTarget } from '../../../src/engine/fault-injection.js'
import { caught } from '../../helpers/errors.js'

describe('panicTarget', () => {
  it('is null when unset or empty', () => {
    expect(panicTarget(undefined)).toBeNull()
    expect(panicTarget('')).toBeNull()
  })

  it.each(['after_source_read', 'after_file_write', 'after_manifest_update', 'after_cursor_commit'])('reads %s', (point) => {
    expect(panicTarget(point)).toEqual({ point, chunk: null })
  })

  it('reads chunk points with their chunk index', () => {
    expect(panicTarget('after_chunk_file:3')).toEqual({ point: 'after_chunk_file', chunk: 3 })
    expect(panicTarget('after_chunk_complete:0')).toEqual({ point: 'after_chunk_complete', chunk: 0 })
  })

  it.each(['after_source_reads', 'after_chunk_file', 'after_file_write:2', 'after_chunk_complete:x', 'AFTER_FILE_WRITE', 'after chunk'])(
    'refuses %s as a usage error naming the valid points',
    (value) => {
      const error = caught(() => panicTarget(value))
      expect(error.code).toBe('RIVET_USAGE')
      expect(error.hint).toContain('after_manifest_update')
      expect(error.hint).toContain('after_chunk_file:N')
    },
  )
})
