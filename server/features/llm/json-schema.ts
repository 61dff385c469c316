import type { JsonSchema } from './llm.port.js';

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Drops keywords that providers reject or that only matter to validators ($schema, default). */
export function providerSchema(schema: JsonSchema): JsonSchema {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!isNode(v)) return v;
    const out: Node = {};
    for (const [k, child] of Object.entries(v)) {
      if (k === '$schema' || k === 'default') continue;
      out[k] = k === 'properties' && isNode(child) ? Object.fromEntries(Object.entries(child).map(([p, s]) => [p, walk(s)])) : walk(child);
    }
    return out;
  };
  return walk(schema) as JsonSchema;
}

/**
 * The subset OpenAI's strict mode accepts: every object lists all its properties as required and
 * forbids others. A property that was optional becomes nullable, and `dropNullOptionals` turns the
 * model's null back into "absent" before validation.
 */
export function strictSchema(schema: JsonSchema): JsonSchema {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!isNode(v)) return v;
    const out: Node = {};
    for (const [k, child] of Object.entries(v)) {
      if (k === '$schema' || k === 'default' || k === 'properties') continue;
      out[k] = walk(child);
    }
    if (isNode(v.properties)) {
      const required = new Set(Array.isArray(v.required) ? (v.required as string[]) : []);
      const props: Node = {};
      for (const [name, sub] of Object.entries(v.properties)) {
        const s = walk(sub);
        props[name] = required.has(name) ? s : { anyOf: [s, { type: 'null' }] };
      }
      out.properties = props;
      out.required = Object.keys(props);
      out.additionalProperties = false;
    }
    return out;
  };
  return walk(schema) as JsonSchema;
}

/** Removes null values of properties the (original) schema does not require, at any depth. */
export function dropNullOptionals(value: unknown, schema: JsonSchema): unknown {
  if (Array.isArray(value)) {
    return isNode(schema.items) ? value.map((v) => dropNullOptionals(v, schema.items as JsonSchema)) : value;
  }
  if (!isNode(value) || !isNode(schema.properties)) return value;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const out: Node = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null && !required.has(k)) continue;
    const sub = schema.properties[k];
    out[k] = isNode(sub) ? dropNullOptionals(v, sub) : v;
  }
  return out;
}
