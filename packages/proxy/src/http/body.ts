import type { IncomingMessage } from 'node:http';
import { badBody, ProxyRequestError } from '../errors.js';

/** Larger bodies are refused: the biggest sane /populate is far smaller. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads and parses a JSON body. Empty -> "bad request body: EOF" (Go's decoder says the same). */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new ProxyRequestError(`bad request body: larger than ${MAX_BODY_BYTES} bytes`, 'split the request (e.g. several /populate calls)');
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw badBody('EOF', 'send a JSON object in the request body');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badBody((err as Error).message, 'the body must be valid JSON');
  }
}
