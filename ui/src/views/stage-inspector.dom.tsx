/** Component tests for the stage inspector: the settings form, its checks, replay and refusals (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { ApiError } from '../api.ts';
import type { StageInfo } from '../detect-api.ts';
import type { StageRow } from '../../../src/types/detect-run.ts';
import { stageRow } from '../../test/detect-fixtures.ts';
import { StageInspector } from './stage-inspector.tsx';

// As GET /api/detect/config/stages/match_brands answers it (config-spec.ts jsonSchemaOf), cut down.
const info: StageInfo = {
  name: 'match_brands',
  description: 'Fuzzy matching of OCR text against the brand list',
  available: true,
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      min_similarity: { description: 'least similarity to count', default: 0.75, type: 'number', minimum: 0, maximum: 1 },
      exact_below: { description: 'names shorter than this match exactly', default: 4, type: 'integer', minimum: 0, maximum: 20 },
      fold_case: { description: 'ignore case', default: true, type: 'boolean' },
      stop_words: { description: 'words never matched', default: [], type: 'array', items: { type: 'string', maxLength: 40 }, maxItems: 200 },
    },
  },
  defaults: { min_similarity: 0.75, exact_below: 4, fold_case: true, stop_words: [] },
};
const config = { min_similarity: 0.8, exact_below: 4, fold_case: true, stop_words: ['fc'] };
const row = (over: Partial<StageRow> = {}): StageRow =>
  stageRow('match_brands', 'completed', { chunks: 3, chunksDone: 3, ms: 2500, stats: { hits: 12, unresolved: 4, frames: 40 }, checkpointId: 'c1', ...over });

const mount = (o: { canReplay?: boolean; blocked?: string; row?: StageRow | null; refuse?: Error } = {}) => {
  const sent: [Record<string, unknown>, boolean][] = [];
  const view = render(() => (
    <StageInspector
      info={info}
      config={config}
      row={o.row === undefined ? row() : o.row}
      canReplay={o.canReplay ?? true}
      blocked={o.blocked}
      onReplay={async (overrides, downstream) => {
        sent.push([overrides, downstream]);
        if (o.refuse) throw o.refuse;
      }}
    />
  ));
  return { ...view, sent };
};

const input = (root: HTMLElement, key: string) => root.querySelector(`[data-field="${key}"]`) as HTMLInputElement;
const type = (root: HTMLElement, key: string, value: string) => fireEvent.input(input(root, key), { target: { value } });
const errorFor = (root: HTMLElement, key: string) => root.querySelector(`[data-error-for="${key}"]`)?.textContent ?? null;

describe('stage inspector', () => {
  test("the form shows the run's values; a bad value is refused at its field before anything is sent", async () => {
    const { container, getByTestId, sent } = mount();
    expect(input(container, 'min_similarity').value).toBe('0.8');
    expect(input(container, 'fold_case').checked).toBe(true);
    expect((input(container, 'stop_words') as unknown as HTMLTextAreaElement).value).toBe('fc');
    expect(container.textContent).toContain('least similarity to count · 0 – 1');

    type(container, 'min_similarity', '1.5');
    expect(errorFor(container, 'min_similarity')).toBe('Must be at most 1.');
    expect(input(container, 'min_similarity').closest('label')!.classList.contains('invalid')).toBe(true);
    type(container, 'exact_below', 'two');
    expect(errorFor(container, 'exact_below')).toBe('Must be a whole number.');
    fireEvent.click(getByTestId('replay-stage'));
    await Bun.sleep(1);
    expect(sent).toEqual([]);
    expect(container.textContent).toContain('2 settings need fixing before the replay can start.');

    type(container, 'exact_below', '4');
    type(container, 'min_similarity', '0.7');
    expect(container.querySelectorAll('[data-error-for]')).toHaveLength(0);
    const label = input(container, 'min_similarity').closest('label')!;
    expect(label.getAttribute('data-changed')).toBe('true');
    expect(label.textContent).toContain('changed (was 0.8)');
    expect(input(container, 'exact_below').closest('label')!.getAttribute('data-changed')).toBeNull(); // typed back to the same value
    fireEvent.click(input(container, 'fold_case'));
    expect(getByTestId('replay-stage').textContent).toBe('Replay this stage (2 changed)');

    fireEvent.click(getByTestId('replay-downstream'));
    fireEvent.click(getByTestId('replay-stage'));
    await waitFor(() => expect(sent).toEqual([[{ min_similarity: 0.7, fold_case: false }, true]]));
    await waitFor(() => expect(container.textContent).toContain('Replay started'));
  });

  test("the server's refusal shows at the field it names, and goes when that field is typed in", async () => {
    const refuse = new ApiError(400, 'validation', 'overrides.min_similarity: must be at least 0.75, got 0.7');
    const { container, getByTestId, queryByTestId } = mount({ refuse });
    type(container, 'min_similarity', '0.7');
    fireEvent.click(getByTestId('replay-stage'));
    await waitFor(() => expect(errorFor(container, 'min_similarity')).toBe('Must be at least 0.75, got 0.7.'));
    expect(queryByTestId('replay-error')).toBeNull();
    type(container, 'min_similarity', '0.76');
    expect(errorFor(container, 'min_similarity')).toBeNull();
  });

  test('a refusal that names no field shows above the button', async () => {
    const refuse = new ApiError(409, 'invalid_state', "job r1's outputs were cleared: run the timeline again");
    const { getByTestId } = mount({ refuse });
    fireEvent.click(getByTestId('replay-stage'));
    await waitFor(() => expect(getByTestId('replay-error').textContent).toBe("Job r1's outputs were cleared: run the timeline again."));
  });

  test('replay waits, with its reason, until the run has finished the stage', () => {
    const { getByTestId, sent } = mount({
      canReplay: false,
      blocked: 'Replay opens once the run has finished this stage.',
      row: row({ status: 'running', chunksDone: 1, stats: {}, ms: 300 }),
    });
    const button = getByTestId('replay-stage') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.title).toBe('Replay opens once the run has finished this stage.');
    expect(getByTestId('replay-blocked').textContent).toBe('Replay opens once the run has finished this stage.');
    fireEvent.click(button);
    expect(sent).toEqual([]);
    expect(getByTestId('stage-inspector').textContent).toContain('1 of 3');
    expect(getByTestId('stage-inspector').textContent).toContain('Counts show once it is done.');
  });

  test('the output: time, items, every count, and the run it was reused from', () => {
    const { getByTestId } = mount({ row: row({ reusedFrom: 'r0' }) });
    const box = getByTestId('stage-inspector');
    expect(box.textContent).toContain('2.50 s');
    expect(box.textContent).toContain('3 of 3');
    const cells = [...box.querySelectorAll('.si-stats tbody tr')].map((tr) => tr.textContent);
    expect(cells).toEqual(['hits12', 'unresolved4', 'frames40']);
    expect(box.querySelector('a[href="#/detect/runs/r0"]')!.textContent).toBe('r0');
  });
});
