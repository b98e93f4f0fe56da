import { createManualClock, type ManualClock } from '@faultline/core';

/** A clock that moves only when told to (lease expiry, ordering, last-used throttling). */
export function manualClock(startIso = '2030-01-01T00:00:00.000Z'): ManualClock {
  return createManualClock(startIso);
}
