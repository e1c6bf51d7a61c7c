/// <reference lib="dom" />
// What sidebar.ts lends its section modules (afterRelease.ts, milestones.ts, batchCells.ts): one
// object, built once in sidebar.ts, so every section acts, speaks and gates its buttons the same way.
import type { OrderPanel } from '../src/protocol.js';
import type { Answer, ServerError } from './run.js';

export interface SidebarKit {
  /** Builds an element with its attributes (`text` sets its text) and children. */
  el<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    props?: Partial<Record<string, string>>,
    ...children: (Node | string)[]
  ): HTMLElementTagNameMap[K];
  /** Runs one server call with the sidebar busy under `label`; false when it failed. */
  act<T>(
    label: string,
    fn: () => Promise<Answer<T>>,
    onOk: (a: Answer<T>) => void,
    onError?: (e: ServerError) => void,
    anchor?: Element | null,
  ): Promise<boolean>;
  /** Shows a message next to `anchor` (the control that caused it), or at the top. */
  say(kind: 'info' | 'ok' | 'error', text: string, anchor?: Element | null): void;
  /** Enables a button, or disables it with the reason under it and as its tooltip. */
  gate(btn: HTMLButtonElement, enabled: boolean, reason?: string): void;
  /** Moves the shared message out of a container about to be rebuilt. */
  rescue(container: Element): void;
  /** Shows the order panel the server answered (null: no order open). */
  render(p: OrderPanel | null): void;
  /** The order shown now. */
  current(): OrderPanel | null;
  /** Unpushed changes on the sheet (null: not counted yet). */
  pending(): number | null;
}
