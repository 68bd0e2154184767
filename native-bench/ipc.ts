/**
 * Arrow IPC: tableToIPC (stream format) and tableFromIPC on the 6-column mixed shape,
 * 250k rows in 64k-row batches; MB/s of IPC bytes.
 *
 *   node dist/native-bench/ipc.js [--runs 5]
 */
import { RecordBatchStreamWriter, tableFromIPC, tableToIPC } from 'apache-arrow'
import { emit, runsFromArgs, timeMedian } from './lib/harness.js'
import { mixedColumns, mixedTable } from './lib/mixed-data.js'

const runs = runsFromArgs()
const table = mixedTable(mixedColumns(250_000))
const bytes = tableToIPC(table, 'stream')
const MB = bytes.byteLength / 1e6
const note = `${MB.toFixed(1)} MB IPC, ${table.batches.length} batches`

const toIpc = await timeMedian(runs, () => tableToIPC(table, 'stream'))
const perBatch = await timeMedian(runs, () => {
  for (const b of table.batches) RecordBatchStreamWriter.writeAll([b]).toUint8Array(true)
})
const fromIpc = await timeMedian(runs, () => tableFromIPC(bytes))
emit([
  { bench: 'ipc', case: 'tableToIPC(table, "stream")', value: MB / toIpc, unit: 'MB/s', runs, note },
  { bench: 'ipc', case: 'one stream per record batch (writeAll([batch]))', value: MB / perBatch, unit: 'MB/s', runs, note },
  { bench: 'ipc', case: 'tableFromIPC (zero-copy views)', value: MB / fromIpc, unit: 'MB/s', runs, note },
])
