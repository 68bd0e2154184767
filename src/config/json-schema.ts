/** JSON Schema (draft 2020-12) of the config file, derived from CONFIG_SCHEMA, for editors and `rivet schema config`. */
import { FORMATS } from './formats.js'
import { CONFIG_SCHEMA } from './schema.js'
import type { Alternative, ExclusiveGroup, FieldSpec, ObjectSpec, TypeSpec } from './schema-dsl.js'
import { SIZE_PATTERN } from './size.js'

type Json = Record<string, unknown>

const present = (alt: Alternative): Json =>
  alt.keys.length === 1 ? { required: [alt.keys[0]] } : { anyOf: alt.keys.map((k) => ({ required: [k] })) }

function groupSchemas(group: ExclusiveGroup): Json[] {
  const out: Json[] = []
  const alts = group.alternatives
  if (group.required) {
    out.push({ oneOf: alts.map(present) })
  } else {
    const pairs = alts.flatMap((a, i) => alts.slice(i + 1).map((b) => ({ allOf: [present(a), present(b)] })))
    out.push({ not: pairs.length === 1 ? pairs[0] : { anyOf: pairs } })
  }
  for (const alt of alts) if (alt.requires) out.push({ if: present(alt), then: { required: [...alt.requires] } })
  return out
}

function objectSchema(spec: ObjectSpec): Json {
  const properties: Json = {}
  for (const [key, field] of Object.entries(spec.fields)) properties[key] = fieldSchema(field)
  const required = Object.entries(spec.fields).filter(([, f]) => f.required).map(([k]) => k)
  const groups = (spec.exclusive ?? []).flatMap(groupSchemas)
  return {
    type: 'object',
    description: spec.description,
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
    ...(groups.length > 0 ? { allOf: groups } : {}),
  }
}

function typeSchema(spec: TypeSpec): Json {
  switch (spec.kind) {
    case 'string': {
      const pattern = spec.format ? FORMATS[spec.format].pattern : undefined
      return { type: 'string', ...(pattern ? { pattern } : {}) }
    }
    case 'integer': return { type: 'integer', minimum: spec.min, maximum: spec.max }
    case 'number': return {
      type: 'number',
      ...(spec.minExclusive ? { exclusiveMinimum: spec.min } : { minimum: spec.min }),
      ...(spec.max !== undefined ? { maximum: spec.max } : {}),
    }
    case 'boolean': return { type: 'boolean' }
    case 'enum': return { type: 'string', enum: [...spec.values] }
    case 'size': return { anyOf: [{ type: 'integer', minimum: spec.minBytes }, { type: 'string', pattern: SIZE_PATTERN }] }
    case 'object': return objectSchema(spec)
    case 'array': return {
      type: 'array',
      items: typeSchema(spec.items),
      ...(spec.minItems !== undefined ? { minItems: spec.minItems } : {}),
      ...(spec.uniqueItems ? { uniqueItems: true } : {}),
    }
    case 'map': return { type: 'object', propertyNames: { minLength: 1 }, additionalProperties: typeSchema(spec.values) }
    case 'union': return { anyOf: spec.options.map(typeSchema) }
  }
}

function fieldSchema(field: FieldSpec): Json {
  return {
    ...typeSchema(field.type),
    description: field.description,
    ...(field.default !== undefined ? { default: field.default } : {}),
    ...(field.examples ? { examples: [...field.examples] } : {}),
  }
}

/** The JSON Schema of rivet.yaml: descriptions, enums, defaults, and `additionalProperties: false` on every object. */
export function configJsonSchema(): Json {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'urn:rivet:config',
    title: 'Rivet config',
    ...objectSchema(CONFIG_SCHEMA),
  }
}
