// A consumer generated from asyncapi.yaml alone: every message's example payload (the JSON the Python
// models produce, committed in the document) is decoded with the model modelina generated for that message
// and encoded again. Anything the model lacks or reads differently makes the JSON differ, and fails.
//
//     node consumer.test.cjs   (after check.mjs and tsc, as `npm run check` does)
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { isDeepStrictEqual } = require('node:util');

const models = require('./generated/build/index.js');

const examples = JSON.parse(readFileSync(join(__dirname, 'generated', 'examples.json'), 'utf8'));
const failures = [];
for (const { message, payload } of examples) {
  const model = models[message];
  if (typeof model?.unmarshal !== 'function') {
    failures.push(`${message}: no generated model with unmarshal()`);
    continue;
  }
  const wire = JSON.stringify(payload); // the event as it travels in the envelope's payload
  const decoded = model.unmarshal(wire);
  const again = JSON.parse(decoded.marshal());
  if (!isDeepStrictEqual(again, payload)) {
    failures.push(`${message}: decoded and encoded again it reads\n  ${JSON.stringify(again)}\nnot\n  ${wire}`);
  }
}
if (!examples.length) failures.push('no example payloads to decode');
for (const failure of failures) console.error(`consumer: ${failure}`);
if (failures.length) process.exit(1);
console.log(`consumer: ${examples.length} example payloads decoded and re-encoded unchanged by the generated models`);
