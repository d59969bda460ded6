// Entry for the validation bench's cold-start row (handwritten): build and compile every schema of
// the set, then validate one typical value with each, as a gateway's first requests would.
import * as b from './baseline/handwritten-schema.js';
import { defineSet, SAMPLES } from './schema-set.js';

export function buildAndValidateAll(): number {
  const set = defineSet(b);
  let ok = 0;
  for (const [name, schema] of Object.entries(set)) if (b.validate(schema as never, structuredClone(SAMPLES[name])).ok) ok++;
  return ok;
}
