// Prints one plain closing line from Vitest's JUnit output: "tests: N passed, N failed, N skipped".
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-artifacts/vitest-junit.xml';
let xml;
try {
  xml = readFileSync(file, 'utf8');
} catch {
  console.log(`tests: no JUnit file at ${file}`);
  process.exit(0);
}
const root = /<testsuites[^>]*>/.exec(xml)?.[0] ?? '';
const num = (name) => Number(new RegExp(`${name}="(\\d+)"`).exec(root)?.[1] ?? 0);
const total = num('tests');
const failed = num('failures') + num('errors');
const skipped = (xml.match(/<skipped/g) ?? []).length;
console.log(`tests: ${total - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
