/** The scheduler reads time through core's Clock; re-exported here for the scheduler's callers. */
export { systemClock, createManualClock } from '@faultline/core';
export type { Clock, ManualClock } from '@faultline/core';
