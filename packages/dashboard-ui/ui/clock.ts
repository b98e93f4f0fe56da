/**
 * The browser's clock, in one place. The dashboard shows ages ("2 s ago") in server time: the
 * offset is measured from the session response, so a skewed laptop clock does not fake "lost contact".
 */
let offsetMs = 0;

export function browserNowMs(): number {
  return Date.now();
}

export function setServerTime(serverIso: string, receivedAtMs: number): void {
  const server = Date.parse(serverIso);
  if (Number.isFinite(server)) offsetMs = server - receivedAtMs;
}

/** Now, as the controller's clock would say. */
export function serverNowMs(): number {
  return browserNowMs() + offsetMs;
}
