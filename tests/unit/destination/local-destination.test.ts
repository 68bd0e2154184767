import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import xxhash from 'xxhash-addon'
import fsp from 'node:fs/promises'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { LocalDestination, removeStaleTempFiles, type LocalFileSink } from '../../../src/destination/index.js'
import { isRivetError } from '../../../src/errors/index.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rivet-dest-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
let counter = 0

/** A prepared destination in a fresh directory. */
async function destination(runId = 'run-a'): Promise<LocalDestination> {
  const dest = new LocalDestination({ dir: path.join(root, `case-${++counter}`, 'nested'), runId })
  await dest.prepare()
  return dest
}

function pattern(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff
  return bytes
}

async function writeAll(sink: LocalFileSink, chunks: Uint8Array[]): Promise<void> {
  for (const chunk of chunks) await sink.write(chunk)
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection')
}

describe('LocalDestination', () => {
  it('publishes atomically: nothing under the final name before commit, no temp file after', async () => {
    const dest = await destination()
    const a = dest.openSink('orders_part1.parquet')
    const b = dest.openSink('orders_part2.parquet')
    await writeAll(a, [pattern(1 << 20, 1), pattern(12345, 2), new Uint8Array(0), pattern(1, 3)])
    await writeAll(b, [pattern(777, 4)])
    const closedA = await a.close()
    await b.close()
    expect(fs.readdirSync(dest.dir).sort()).toEqual(['.orders_part1.parquet.rivet-tmp-run-a', '.orders_part2.parquet.rivet-tmp-run-a'])
    expect(closedA.finalPath).toBe(path.join(dest.dir, 'orders_part1.parquet'))

    const committed = await dest.commit([a, b])
    expect(fs.readdirSync(dest.dir).sort()).toEqual(['orders_part1.parquet', 'orders_part2.parquet'])
    for (const file of committed) {
      const content = fs.readFileSync(file.finalPath)
      expect(file.bytes).toBe(content.byteLength)
      expect(file.xxh3).toMatch(/^[0-9a-f]{16}$/)
      expect(file.xxh3).toBe(xxhash.XXHash3.hash(content).toString('hex'))
    }
    expect(committed.map((f) => [f.fileName, f.bytes])).toEqual([['orders_part1.parquet', (1 << 20) + 12345 + 1], ['orders_part2.parquet', 777]])
  })

  it('serialises writes issued without awaiting, in call order', async () => {
    const dest = await destination()
    const sink = dest.openSink('o.csv')
    const chunks = [pattern(100_000, 5), pattern(3, 6), pattern(50_000, 7)]
    await Promise.all(chunks.map((c) => sink.write(c)))
    const [file] = await dest.commit([await sink.close().then(() => sink)])
    // Buffer.equals: vitest's deep equality is slow on large buffers.
    expect(fs.readFileSync(file.finalPath).equals(Buffer.concat(chunks))).toBe(true)
  })

  it('commits an empty file with the xxh3 of zero bytes', async () => {
    const dest = await destination()
    const sink = dest.openSink('empty.csv')
    await sink.close()
    const [file] = await dest.commit([sink])
    expect(file.bytes).toBe(0)
    expect(file.xxh3).toBe(xxhash.XXHash3.hash(Buffer.alloc(0)).toString('hex'))
  })

  it('never clobbers: an existing final name fails the batch and publishes nothing', async () => {
    const dest = await destination()
    fs.writeFileSync(path.join(dest.dir, 'o_part2.csv'), 'precious')
    const sinks = ['o_part1.csv', 'o_part2.csv', 'o_part3.csv'].map((n) => dest.openSink(n))
    for (const sink of sinks) {
      await sink.write(pattern(10, 8))
      await sink.close()
    }
    const err = await rejection(dest.commit(sinks))
    expect(isRivetError(err) && err.code).toBe('RIVET_OUTPUT_CONFLICT')
    expect(isRivetError(err) && err.details.path).toBe(path.join(dest.dir, 'o_part2.csv'))
    expect(fs.readFileSync(path.join(dest.dir, 'o_part2.csv'), 'utf8')).toBe('precious')
    expect(fs.existsSync(path.join(dest.dir, 'o_part1.csv'))).toBe(false)
    expect(fs.existsSync(path.join(dest.dir, 'o_part3.csv'))).toBe(false)
    // The temps are intact, so abort can still clean them up.
    await dest.abort()
    expect(fs.readdirSync(dest.dir)).toEqual(['o_part2.csv'])
  })

  it('unlinks what it linked when a file of the batch appears between the check and the link', async () => {
    const dest = await destination()
    const realLink = fsp.link
    let calls = 0
    vi.spyOn(fsp, 'link').mockImplementation(async (from, to) => {
      if (++calls === 2) throw Object.assign(new Error('EEXIST: file already exists, link'), { code: 'EEXIST' })
      return realLink(from, to)
    })
    const sinks = ['q1.csv', 'q2.csv'].map((n) => dest.openSink(n))
    for (const sink of sinks) await sink.close()
    const err = await rejection(dest.commit(sinks))
    vi.restoreAllMocks()
    expect(isRivetError(err) && err.code).toBe('RIVET_OUTPUT_CONFLICT')
    expect(fs.readdirSync(dest.dir).sort()).toEqual(['.q1.csv.rivet-tmp-run-a', '.q2.csv.rivet-tmp-run-a'])
  })

  it('abort removes only this run\'s temp files and keeps committed and foreign files', async () => {
    const dest = await destination('run-a')
    const done = dest.openSink('done.csv')
    await done.write(pattern(5, 9))
    await done.close()
    await dest.commit([done])
    const open = dest.openSink('open.csv')
    await open.write(pattern(5, 10))
    const closed = dest.openSink('closed.csv')
    await closed.write(pattern(5, 11))
    await closed.close()
    dest.openSink('never-written.csv')
    const foreign = ['.other.csv.rivet-tmp-run-b', 'unrelated.txt']
    for (const name of foreign) fs.writeFileSync(path.join(dest.dir, name), 'x')

    await dest.abort()
    expect(fs.readdirSync(dest.dir).sort()).toEqual(['.other.csv.rivet-tmp-run-b', 'done.csv', 'unrelated.txt'])
    await expect(open.write(pattern(1, 1))).rejects.toThrow(/aborted/)
  })

  it('refuses to commit a sink that is not closed', async () => {
    const dest = await destination()
    const sink = dest.openSink('o.csv')
    await sink.write(pattern(5, 1))
    const err = await rejection(dest.commit([sink]))
    expect(isRivetError(err) && err.code).toBe('RIVET_INTERNAL')
    await dest.abort()
  })

  it('rejects file names that are not a single path component, and duplicates', async () => {
    const dest = await destination()
    expect(() => dest.openSink('../escape.csv')).toThrow(/invalid output file name/)
    expect(() => dest.openSink('')).toThrow(/invalid output file name/)
    dest.openSink('twice.csv')
    expect(() => dest.openSink('twice.csv')).toThrow(/opened twice/)
  })
})

describe('LocalDestination on a filesystem without hard links', () => {
  afterEach(() => vi.restoreAllMocks())

  function withoutHardLinks() {
    return vi.spyOn(fsp, 'link').mockRejectedValue(Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' }))
  }

  it('falls back to rename and still publishes every file', async () => {
    const dest = await destination()
    const link = withoutHardLinks()
    const sinks = ['p1.csv', 'p2.csv'].map((n) => dest.openSink(n))
    for (const sink of sinks) {
      await sink.write(pattern(64, 3))
      await sink.close()
    }
    const committed = await dest.commit(sinks)
    expect(link).toHaveBeenCalled()
    expect(committed.map((f) => f.fileName)).toEqual(['p1.csv', 'p2.csv'])
    expect(fs.readdirSync(dest.dir).sort()).toEqual(['p1.csv', 'p2.csv'])
  })

  it('renames back what it published when a later file of the batch fails', async () => {
    const dest = await destination()
    withoutHardLinks()
    const realRename = fsp.rename
    let calls = 0
    vi.spyOn(fsp, 'rename').mockImplementation(async (from, to) => {
      if (++calls === 2) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' })
      return realRename(from, to)
    })
    const sinks = ['p1.csv', 'p2.csv'].map((n) => dest.openSink(n))
    for (const sink of sinks) await sink.close()
    const err = await rejection(dest.commit(sinks))
    expect(isRivetError(err) && err.code).toBe('RIVET_DEST_WRITE')
    expect(fs.readdirSync(dest.dir).sort()).toEqual(['.p1.csv.rivet-tmp-run-a', '.p2.csv.rivet-tmp-run-a'])
  })
})

describe('LocalDestination.prepare', () => {
  it('creates missing directories and leaves no probe behind', async () => {
    const dest = await destination()
    expect(fs.statSync(dest.dir).isDirectory()).toBe(true)
    expect(fs.readdirSync(dest.dir)).toEqual([])
  })

  it('reports an unwritable directory as RIVET_DEST_WRITE with a hint', async () => {
    const base = path.join(root, `unwritable-${++counter}`)
    fs.mkdirSync(base)
    let dir: string
    if (process.getuid?.() === 0) {
      // root ignores mode bits: make a parent component a regular file instead (ENOTDIR).
      fs.writeFileSync(path.join(base, 'file'), '')
      dir = path.join(base, 'file', 'out')
    } else {
      fs.chmodSync(base, 0o500)
      dir = path.join(base, 'out')
    }
    const err = await rejection(new LocalDestination({ dir, runId: 'r' }).prepare())
    fs.chmodSync(base, 0o700)
    expect(isRivetError(err) && err.code).toBe('RIVET_DEST_WRITE')
    expect(isRivetError(err) && err.hint).toMatch(/change the destination path/)
    expect(isRivetError(err) && err.details.path).toBe(dir)
  })
})

describe('removeStaleTempFiles', () => {
  it('removes only temp files of the given run ids', async () => {
    const dir = path.join(root, `stale-${++counter}`)
    fs.mkdirSync(dir)
    const names = [
      '.a.parquet.rivet-tmp-dead1', '.b.csv.zst.rivet-tmp-dead2', // removed
      '.c.parquet.rivet-tmp-alive', '.d.parquet.rivet-tmp-xdead1', '.e.parquet.rivet-tmp-dead1x', // other runs
      'f.parquet.rivet-tmp-dead1', '.rivet-tmp-dead1', 'g.parquet', // not temp files of ours
    ]
    for (const name of names) fs.writeFileSync(path.join(dir, name), 'x')
    fs.mkdirSync(path.join(dir, '.h.rivet-tmp-dead1')) // a directory is never removed

    const removed = await removeStaleTempFiles(dir, ['dead1', 'dead2'])
    expect(removed.sort()).toEqual([path.join(dir, '.a.parquet.rivet-tmp-dead1'), path.join(dir, '.b.csv.zst.rivet-tmp-dead2')])
    expect(fs.readdirSync(dir).sort()).toEqual(names.slice(2).concat('.h.rivet-tmp-dead1').sort())
  })

  it('returns nothing for a missing directory or no run ids', async () => {
    expect(await removeStaleTempFiles(path.join(root, 'does-not-exist'), ['r'])).toEqual([])
    expect(await removeStaleTempFiles(root, [])).toEqual([])
  })
})
