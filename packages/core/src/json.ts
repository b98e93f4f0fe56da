/** Any value that survives JSON.stringify/parse unchanged. Journals and undo data are Json. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
