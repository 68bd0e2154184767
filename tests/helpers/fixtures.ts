export { MIXED_COLUMNS, ensureMixedTable, mixedCanonicalSql } from '../../bench/fixtures/mixed.js'
