// Child process for the cross-process SQLite test. Prints "ready", waits for "go" on stdin (so every
// process opens the brand-new file at the same moment), appends its own run-created and `count` notes
// to one run, prints the seqs as JSON.
import { once } from 'node:events';
import { openStore } from '../open-store.js';
import { runCreated } from './events.js';

const [url, runId, count, tag] = process.argv.slice(2);
process.stdout.write('ready\n');
await once(process.stdin, 'data');
const store = await openStore(url as string);
const seqs: number[] = [(await store.append(runId as string, runCreated('mp'))).seq];
for (let i = 0; i < Number(count); i++) seqs.push((await store.append(runId as string, { type: 'note', message: `${tag}-${i}` })).seq);
await store.close();
process.stdout.write(JSON.stringify(seqs) + '\n');
process.stdin.destroy();
