import type { StoreContext } from '../context.js';
import type { HaltState } from '../store.js';

export async function getHalt(ctx: StoreContext): Promise<HaltState> {
  const row = await ctx.db.selectFrom('halt_state').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  return {
    halted: row.halted === 1,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(row.halted_by !== null ? { by: row.halted_by } : {}),
    ...(row.at !== null ? { at: row.at } : {}),
  };
}

export async function setHalt(ctx: StoreContext, input: { halted: boolean; reason?: string; by?: string }): Promise<HaltState> {
  const at = ctx.now().toISOString();
  await ctx.db
    .updateTable('halt_state')
    .set({ halted: input.halted ? 1 : 0, reason: input.reason ?? null, halted_by: input.by ?? null, at })
    .where('id', '=', 1)
    .execute();
  return { halted: input.halted, ...(input.reason !== undefined ? { reason: input.reason } : {}), ...(input.by !== undefined ? { by: input.by } : {}), at };
}
