import { RivetError } from '../../errors/index.js'
import type { ColumnSpec, RivetType } from '../../types/index.js'
import { CONVERTED_TYPE, LOGICAL_TYPE, PHYSICAL_TYPE, SCHEMA_ELEMENT } from './parquet-metadata.js'
import { getInt, getString, setField, tI32, tStruct, type ThriftList, type ThriftStruct } from './thrift-value.js'

/**
 * parquet-wasm writes `arrow.uuid` columns as plain FIXED_LEN_BYTE_ARRAY(16) and `arrow.json`
 * columns as STRING, so readers see BLOB / VARCHAR. This walks the flattened Parquet schema
 * (depth-first, groups announce `num_children`) against the column specs and sets the UUID
 * and JSON logical types, also on list items.
 */
export function patchLogicalTypes(schema: ThriftList, columns: readonly ColumnSpec[]): void {
  const elements = schemaElements(schema)
  const byName = new Map(columns.map((c) => [c.name, c]))
  const root = elements[0]
  if (root === undefined) throw new RivetError('RIVET_INTERNAL', 'Parquet schema without a root element')
  let pos = 1
  const topLevel = getInt(root, SCHEMA_ELEMENT.numChildren) ?? 0
  for (let i = 0; i < topLevel; i++) {
    const name = getString(elements[pos], SCHEMA_ELEMENT.name) ?? ''
    const column = byName.get(name)
    if (column !== undefined) patchElement(elements, pos, column.type, name)
    pos = skipSubtree(elements, pos)
  }
}

function schemaElements(schema: ThriftList): ThriftStruct[] {
  return schema.elements.map((e) => {
    if (e.type !== 'struct') throw new RivetError('RIVET_INTERNAL', 'Parquet schema element is not a struct')
    return e
  })
}

/** Index just past the subtree rooted at `pos`. */
function skipSubtree(elements: readonly ThriftStruct[], pos: number): number {
  const element = elements[pos]
  if (element === undefined) throw new RivetError('RIVET_INTERNAL', `Parquet schema ends inside a group at element ${pos}`)
  const children = getInt(element, SCHEMA_ELEMENT.numChildren) ?? 0
  let next = pos + 1
  for (let i = 0; i < children; i++) next = skipSubtree(elements, next)
  return next
}

function patchElement(elements: readonly ThriftStruct[], pos: number, type: RivetType, path: string): void {
  const element = elements[pos]
  switch (type.kind) {
    case 'uuid':
      expectPhysical(element, PHYSICAL_TYPE.fixedLenByteArray, 16, path)
      setField(element, SCHEMA_ELEMENT.logicalType, tStruct([{ id: LOGICAL_TYPE.uuid, value: tStruct() }]))
      return
    case 'json':
      expectPhysical(element, PHYSICAL_TYPE.byteArray, undefined, path)
      setField(element, SCHEMA_ELEMENT.convertedType, tI32(CONVERTED_TYPE.json))
      setField(element, SCHEMA_ELEMENT.logicalType, tStruct([{ id: LOGICAL_TYPE.json, value: tStruct() }]))
      return
    case 'list': {
      // three-level list: <name> (LIST) → repeated group `list` → `item`
      const repeated = elements[pos + 1]
      if (getInt(element, SCHEMA_ELEMENT.numChildren) !== 1 || repeated === undefined || getInt(repeated, SCHEMA_ELEMENT.numChildren) !== 1) {
        throw new RivetError('RIVET_INTERNAL', `Parquet column ${path} is not a three-level list`)
      }
      patchElement(elements, pos + 2, type.item, `${path}.list.item`)
      return
    }
    default:
  }
}

function expectPhysical(element: ThriftStruct, physical: number, length: number | undefined, path: string): void {
  const actual = getInt(element, SCHEMA_ELEMENT.type)
  const actualLength = getInt(element, SCHEMA_ELEMENT.typeLength)
  if (actual !== physical || (length !== undefined && actualLength !== length)) {
    throw new RivetError('RIVET_INTERNAL', `Parquet column ${path} has physical type ${actual}${actualLength ? `(${actualLength})` : ''}, expected ${physical}${length ? `(${length})` : ''}`)
  }
}
