import { h } from 'preact';
import htm from 'htm';

/** Tagged templates instead of JSX: no compile step beyond esbuild, and the source stays plain TypeScript. */
export const html = htm.bind(h);
