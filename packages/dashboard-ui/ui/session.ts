import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { HaltState, Session } from './api.js';

export interface AppContext {
  session: Session;
  halt: HaltState | undefined;
  refreshHalt(): void;
  refreshSession(): Promise<void>;
}

export const Ctx = createContext<AppContext | undefined>(undefined);

export function useApp(): AppContext {
  const c = useContext(Ctx);
  if (!c) throw new Error('useApp outside <App>');
  return c;
}
