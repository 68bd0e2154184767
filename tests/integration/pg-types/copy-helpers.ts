import { tableFromIPC, makeVector, type Data, type Table } from 'apache-arrow'
import type pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import { BatchBuilder } from '../../../src/arrow/index.js'
import { CopyBinaryStream, PgRowDecoder } from '../../../src/source/pg/decode/index.js'
import { describePgTable, type PgTableRef } from '../../../src/source/pg/introspect/index.js'
import { mapPgColumns, pgSelectExpression, type ColumnOverride } from '../../../src/source/pg/types/index.js'
import type { ColumnSpec } from '../../../src/types/index.js'

/** Run `COPY (<select>) TO STDOUT (FORMAT binary)` and feed the chunks to a CopyBinaryStream. */
export async function copyInto(client: pg.Client, select: string, stream: CopyBinaryStream): Promise<void> {
  const source = client.query(copyTo(`COPY (${select}) TO STDOUT (FORMAT binary)`))
  for await (const chunk of source) stream.push(chunk as Uint8Array)
  stream.end()
}

/** Describe a table, map it, COPY it in binary and read the batch back through IPC. */
export async function exportTable(
  client: pg.Client,
  table: PgTableRef,
  opts: { overrides?: Record<string, ColumnOverride>; orderBy?: string } = {},
): Promise<{ columns: ColumnSpec[]; table: Table }> {
  const desc = await describePgTable(client, table)
  const columns = mapPgColumns(desc.columns, opts.overrides ?? {})
  const batch = new BatchBuilder(columns)
  const stream = new CopyBinaryStream(new PgRowDecoder(columns, batch))
  const select = `SELECT ${columns.map(pgSelectExpression).join(', ')} FROM "${desc.schema}"."${desc.name}"${opts.orderBy ? ` ORDER BY ${opts.orderBy}` : ''}`
  await copyInto(client, select, stream)
  return { columns, table: tableFromIPC(batch.toIPC(batch.finishBatch())) }
}

/** The chunk Data of a column of a table read back from IPC (one batch). */
export function dataOf(table: Table, name: string): Data {
  const v = table.getChild(name)
  if (v === null) throw new Error(`no column ${name}`)
  return v.data[0]
}

/** Signed unscaled value of decimal `i`. */
export function decimalAt(data: Data, i: number): bigint {
  const stride = (data.type as unknown as { bitWidth: number }).bitWidth / 32
  const words = data.values as Uint32Array
  let v = 0n
  for (let k = stride - 1; k >= 0; k--) v = (v << 32n) | BigInt(words[(data.offset + i) * stride + k])
  return BigInt.asIntN(stride * 32, v)
}

/** An unscaled decimal as exact text with `scale` fractional digits. */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`
  return neg ? `-${text}` : text
}

/** Value `i` of a Data through apache-arrow's own getter. */
export function getValue(data: Data, i: number): unknown {
  return makeVector(data).get(i)
}
