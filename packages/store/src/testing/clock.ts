/** A clock that moves only when told to (lease expiry, ordering, last-used throttling). */
export function manualClock(startIso = '2030-01-01T00:00:00.000Z') {
  let t = Date.parse(startIso);
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
  };
}
