/** A table of rows under one header row, or what stands instead when there are none; and a paged list's page of them. */
import { For, type JSX, Show } from 'solid-js';
import type { PagedList } from '../stores/paged.ts';
import { Empty, Loading } from './bits.tsx';
import { Pager } from './pager.tsx';

/** `head`: the header row's cells; `children` makes each row's <tr>; `empty` shows when there are no rows (nothing when absent). */
export const RowTable = <T,>(p: { rows: readonly T[]; class: string; head: JSX.Element; empty?: JSX.Element; children: (row: T) => JSX.Element }) => (
  <Show when={p.rows.length > 0} fallback={p.empty}>
    <table class={p.class}>
      <thead>
        <tr>{p.head}</tr>
      </thead>
      <tbody>
        <For each={p.rows}>{(row) => p.children(row)}</For>
      </tbody>
    </table>
  </Show>
);

type PageOf<T> = Pick<PagedList<T>, 'loaded' | 'offset' | 'items' | 'total' | 'hasPrev' | 'hasNext' | 'prevPage' | 'nextPage'>;

/** A page of a paged list as a stacking table with the pager under it: "Loading…" until the first answer, `empty` (words) for no rows. */
export const PagedTable = <T,>(p: { list: PageOf<T>; head: JSX.Element; empty: JSX.Element; children: (row: T) => JSX.Element }) => (
  <Show when={p.list.loaded()} fallback={<Loading />}>
    <RowTable rows={p.list.items()} class="table stack" head={p.head} empty={<Empty>{p.empty}</Empty>}>
      {p.children}
    </RowTable>
    <Show when={p.list.items().length > 0}>
      <Pager list={p.list} />
    </Show>
  </Show>
);
