import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without declarations
import { DEFAULT_SCHEMA, generate } from '../../scripts/generate-types.mjs';
import { EVENT_TYPES } from '../../src/generated/events.js';

const schema = JSON.parse(readFileSync(DEFAULT_SCHEMA, 'utf8'));
const union: Array<{ name: string; doc: string; fields: Array<{ name: string }> }> =
  schema.fields.find((f: { name: string }) => f.name === 'payload').type;

describe('type generator', () => {
  it('covers every payload of the JobEvent union, by its wire name', () => {
    const wireNames = union.map((p) => /Wire name (\S+)/.exec(p.doc)![1]);
    expect([...EVENT_TYPES]).toEqual(wireNames);
    expect(wireNames).toEqual(expect.arrayContaining(['job:started:v1', 'model:chunk:v1', 'job:cancelled:v1']));
    const text: string = generate(schema);
    for (const p of union) {
      expect(text).toContain(`export interface ${p.name} {`);
      for (const f of p.fields) expect(text).toMatch(new RegExp(`"${f.name}": `));
    }
  });

  it('turns a schema change into a type change', () => {
    const changed = structuredClone(schema);
    const chunk = changed.fields.find((f: { name: string }) => f.name === 'payload').type.find(
      (p: { name: string }) => p.name === 'ModelChunk',
    );
    chunk.fields.push({ name: 'logprob', type: ['null', 'double'], default: null });
    const before: string = generate(schema);
    const after: string = generate(changed);
    expect(before).not.toContain('"logprob"');
    expect(after).toContain('"logprob": null | number;');
  });

  it('maps Avro types the way the gateway encodes them', () => {
    const text: string = generate({
      fields: [
        {
          name: 'payload',
          type: [
            {
              type: 'record', name: 'Sample', doc: 'Wire name sample:v1',
              fields: [
                { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
                { name: 'tags', type: { type: 'array', items: 'string' } },
                { name: 'counts', type: { type: 'map', values: 'long' } },
                { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B'] } },
              ],
            },
          ],
        },
      ],
    });
    expect(text).toContain('"at": string;');
    expect(text).toContain('"tags": Array<string>;');
    expect(text).toContain('"counts": Record<string, number>;');
    expect(text).toContain('"kind": "A" | "B";');
  });

  it('fails clearly on a payload without a wire name', () => {
    expect(() => generate({ fields: [{ name: 'payload', type: [{ type: 'record', name: 'X', fields: [] }] }] })).toThrow(
      'payload X has no "Wire name" in its doc',
    );
  });
});
