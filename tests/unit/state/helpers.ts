import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { BeginRunInput, FileRecordInput } from '../../../src/state/index.js'

/** A fresh temporary directory for one test file. */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `rivet-${prefix}-`))
}

/** A run start with sensible defaults for this process and host. */
export function runInput(overrides: Partial<BeginRunInput> = {}): BeginRunInput {
  return {
    runId: 'run-1',
    exportName: 'orders',
    startedAt: new Date('2026-11-24T21:53:12.000Z'),
    pid: process.pid,
    hostname: os.hostname(),
    rivetVersion: '0.1.0',
    configPath: '/etc/rivet/rivet.yaml',
    format: 'parquet',
    compression: 'zstd',
    mode: 'full',
    ...overrides,
  }
}

/** A pending output file record. */
export function fileInput(part: number, overrides: Partial<FileRecordInput> = {}): FileRecordInput {
  return {
    path: `/data/out/orders_20261124T215312Z_part${part}.parquet`,
    fileName: `orders_20261124T215312Z_part${part}.parquet`,
    partIndex: part,
    rows: 100 * part,
    bytes: 1000 * part,
    xxh3: '0123456789abcdef',
    format: 'parquet',
    compression: 'zstd',
    createdAt: new Date(Date.UTC(2026, 10, 24, 21, 53, 12 + part)),
    ...overrides,
  }
}
