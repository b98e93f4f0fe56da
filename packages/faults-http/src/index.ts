export { httpPlugin } from './plugin.js';
export type { HttpPluginOptions } from './plugin.js';
export { httpCallFault, httpCallParams } from './http-call/http-call.js';
export type { HttpCallParams, HttpCallUndo } from './http-call/http-call.js';
export { httpResolver, HttpSelector } from './target/http-target.js';
export type { HttpRef } from './target/http-target.js';
