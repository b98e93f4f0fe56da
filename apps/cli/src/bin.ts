import { main } from './main.js';
import { processIo } from './io.js';

// The only place that touches the real process: exit code, and a hard exit once the command is done
// (open keep-alive sockets of HTTP clients must not keep a finished game day hanging).
const code = await main(process.argv.slice(2), processIo());
process.exitCode = code;
setTimeout(() => process.exit(code), 200).unref();
