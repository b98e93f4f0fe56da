import { Type } from '@sinclair/typebox';
import { DurationString, parseDuration } from '@faultline/core';
import { toxicFault } from '../toxic-fault.js';
import type { ToxiproxyOptions } from '../target.js';

/** `toxiproxy.slicer`: slices data into small packets with a delay between them. */
export const slicerFault = (opts: ToxiproxyOptions) => toxicFault({
  type: 'toxiproxy.slicer',
  toxicType: 'slicer',
  summary: 'slices data into small chunks with delays between them',
  params: {
    averageSize: Type.Integer({ minimum: 1, description: 'Average chunk size in bytes' }),
    sizeVariation: Type.Optional(Type.Integer({ minimum: 0, description: 'Chunk size variation in bytes (+/-); may be as large as averageSize or larger, as in Toxiproxy 2.x: slices are never smaller than 1 byte' })),
    delay: Type.Optional(DurationString('Delay between chunks, e.g. 500us or 2ms')),
  },
  attributes: (p) => ({
    average_size: p.averageSize,
    size_variation: p.sizeVariation ?? 0,
    delay: Math.round((p.delay ? parseDuration(p.delay) : 0) * 1000), // Toxiproxy wants microseconds
  }),
}, opts);
