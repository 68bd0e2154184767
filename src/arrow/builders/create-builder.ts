import type { DataType, Decimal, FixedSizeBinary, List } from 'apache-arrow'
import type { RivetType } from '../../types/index.js'
import { toArrowType } from '../schema.js'
import { BoolBuilder } from './bool.js'
import type { ColumnBuilder } from './column-builder.js'
import { DecimalBuilder } from './decimal.js'
import { FixedSizeBinaryBuilder } from './fixed-size-binary.js'
import { FixedWidthBuilder } from './fixed-width.js'
import { ListBuilder } from './list.js'
import { VarBinaryBuilder } from './var-binary.js'

/** Any of the concrete column builders. */
export type AnyColumnBuilder = BoolBuilder | FixedWidthBuilder | DecimalBuilder | VarBinaryBuilder | FixedSizeBinaryBuilder | ListBuilder

/** The builder for a column of RivetType `t`; `arrowType` (default: toArrowType(t)) is the type its Data carries. */
export function createColumnBuilder(t: RivetType, arrowType: DataType = toArrowType(t)): AnyColumnBuilder {
  switch (t.kind) {
    case 'bool':
      return new BoolBuilder()
    case 'int':
      return new FixedWidthBuilder(arrowType, (t.bits >>> 3) as 1 | 2 | 4 | 8)
    case 'float':
      return new FixedWidthBuilder(arrowType, t.bits === 32 ? 4 : 8)
    case 'date':
      return new FixedWidthBuilder(arrowType, 4)
    case 'time':
    case 'timestamp':
      return new FixedWidthBuilder(arrowType, 8)
    case 'decimal':
      return new DecimalBuilder(arrowType as Decimal)
    case 'utf8':
    case 'json':
    case 'binary':
      return new VarBinaryBuilder(arrowType as never)
    case 'uuid':
      return new FixedSizeBinaryBuilder(arrowType as FixedSizeBinary)
    case 'list': {
      const list = arrowType as List
      const child = createColumnBuilder(t.item, list.children[0].type)
      return new ListBuilder(list, child as ColumnBuilder)
    }
  }
}
