// Validates contracts/schemas/asyncapi.yaml with the AsyncAPI project's parser, then generates TypeScript
// models for its messages with modelina (into generated/, git-ignored) and writes every message's example
// payloads for consumer.test.cjs. Fails on any error or warning of the parser; prints every diagnostic.
//
//     node check.mjs [path/to/asyncapi.yaml]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { TS_COMMON_PRESET, TypeScriptFileGenerator } from '@asyncapi/modelina';
import { DiagnosticSeverity, Parser, fromFile } from '@asyncapi/parser';

const here = dirname(fileURLToPath(import.meta.url));
const documentPath = resolve(process.argv[2] ?? join(here, '..', 'schemas', 'asyncapi.yaml'));
const shown = relative(join(here, '..', '..'), documentPath); // as seen from the repository's root

const { document, diagnostics } = await fromFile(new Parser(), documentPath).parse();
const failing = diagnostics.filter((d) => d.severity <= DiagnosticSeverity.Warning);
for (const d of diagnostics) {
  const where = d.range ? `${shown}:${d.range.start.line + 1}` : shown;
  console.log(`${where} ${DiagnosticSeverity[d.severity].toLowerCase()} ${d.code}: ${d.message} (at ${d.path.join('.')})`);
}
if (!document || failing.length) {
  console.error(`asyncapi: ${shown} has ${failing.length} error(s) or warning(s)`);
  process.exit(1);
}

const out = join(here, 'generated');
rmSync(out, { recursive: true, force: true });
const generator = new TypeScriptFileGenerator({
  modelType: 'class',
  enumType: 'union',
  moduleSystem: 'ESM', // import/export statements; tsc compiles them to CommonJS,
  presets: [{ preset: TS_COMMON_PRESET, options: { marshalling: true } }],
});
const models = await generator.generateToFiles(document, join(out, 'models'), { exportType: 'named' });
writeFileSync(join(out, 'models', 'index.ts'), models.map((m) => `export * from './${m.modelName}';\n`).join(''));

const examples = [];
for (const message of document.allMessages()) {
  const found = message.examples().all().filter((e) => e.hasPayload());
  if (!found.length) {
    console.error(`asyncapi: message ${message.id()} has no example payload (make schemas adds one)`);
    process.exit(1);
  }
  for (const example of found) examples.push({ message: message.id(), payload: example.payload() });
}
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'examples.json'), JSON.stringify(examples, null, 2));
console.log(`asyncapi: ${shown} is valid (${diagnostics.length - failing.length} info/hint); `
  + `${models.length} models generated for ${document.allMessages().length} messages`);
