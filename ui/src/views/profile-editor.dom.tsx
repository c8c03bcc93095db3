/** Component tests for the profile editor (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import type { ProfileDto } from '../detect-api.ts';
import { fakeDetect, profile, refused, STAGES } from '../../test/detect-setup-fixtures.ts';
import { createProfilesStore } from '../stores/detect-profiles.ts';
import { ProfileEditor } from './profile-editor.tsx';

const BUILTIN = profile();
const MINE = profile({
  name: 'mine',
  builtIn: false,
  basedOn: 'soccer_broadcast',
  pipeline: { stages: ['extract_frames', 'segment_field', 'ocr', 'match_brands', 'compile_report'], edges: [{ from: 'ocr', to: 'match_brands', flow: 'all' }] },
});

const mount = async (over: Parameters<typeof fakeDetect>[0] = {}) => {
  const fake = fakeDetect({
    profiles: async () => [BUILTIN, MINE],
    stages: async () => STAGES,
    updateProfile: async (name, body) =>
      ({ ...MINE, name, description: body.description ?? '', pipeline: body.pipeline, configs: body.configs ?? {} }) as ProfileDto,
    duplicateProfile: async (name, copy) => profile({ name: copy, builtIn: false, basedOn: name }),
    deleteProfile: async () => null,
    ...over,
  });
  const store = createProfilesStore(fake.api);
  await store.load();
  return { ...render(() => <ProfileEditor store={store} />), ...fake, store };
};

const q = (root: ParentNode, sel: string) => root.querySelector(sel) as HTMLElement;
const all = (root: ParentNode, sel: string) => [...root.querySelectorAll(sel)] as HTMLElement[];
const field = (root: ParentNode, path: string) => q(root, `[data-field="${path}"]`) as HTMLInputElement;
const errorFor = (root: ParentNode, path: string) => root.querySelector(`[data-error-for="${path}"]`)?.textContent ?? null;
const stagesShown = (root: ParentNode) => all(root, '[data-testid="profile-stage"]').map((x) => x.dataset.stage);

describe('profile list and built-ins', () => {
  test('built-ins first and marked; a built-in shows read-only with Duplicate, which opens the copy as a form', async () => {
    const { container, callsOf } = await mount();
    const rows = all(container, '[data-testid="profile-row"]');
    expect(rows.map((r) => [r.dataset.name, r.dataset.builtin])).toEqual([
      ['soccer_broadcast', 'true'],
      ['mine', 'false'],
    ]);
    fireEvent.click(q(rows[0]!, 'button'));
    expect(q(container, '[data-testid="profile-form"]')).toBeNull();
    expect(stagesShown(container)).toEqual(['extract_frames', 'segment_field', 'ocr', 'match_brands', 'compile_report']);
    expect(q(container, '[data-testid="profile-configs"]').textContent).toContain('"min_similarity": 0.8');

    fireEvent.click(q(container, '[data-testid="duplicate-profile"]'));
    const name = q(container, '[data-testid="duplicate-profile-name"]') as HTMLInputElement;
    expect(name.value).toBe('soccer_broadcast_copy');
    fireEvent.input(name, { target: { value: 'Bad Name' } });
    fireEvent.click(q(container, '[data-testid="confirm-duplicate-profile"]'));
    await waitFor(() => expect(errorFor(container, 'name')).toContain('Lower-case letters'));
    fireEvent.input(name, { target: { value: 'night' } });
    fireEvent.click(q(container, '[data-testid="confirm-duplicate-profile"]'));
    await waitFor(() => expect(q(container, '[data-testid="profile-form"]')).not.toBeNull());
    expect(callsOf('duplicateProfile')).toEqual([['soccer_broadcast', 'night']]);
    expect(q(container, '[data-testid="profile-row"][data-name="night"]').dataset.builtin).toBe('false');
  });
});

describe('editing a user profile', () => {
  test('stages: add from the available ones, reorder, remove; extract_frames stays first', async () => {
    const { container } = await mount();
    expect(stagesShown(container)).toEqual(['extract_frames', 'segment_field', 'ocr', 'match_brands', 'compile_report']);
    const first = q(container, '[data-testid="profile-stage"][data-stage="extract_frames"]');
    expect(all(first, 'button').every((b) => (b as HTMLButtonElement).disabled)).toBe(true);
    const select = q(container, '[data-testid="add-stage-select"]') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['escalate_vlm (not available yet)']);
    fireEvent.click(q(container, '[data-testid="add-stage"]'));
    expect(stagesShown(container)).toEqual(['extract_frames', 'segment_field', 'ocr', 'match_brands', 'escalate_vlm', 'compile_report']);
    expect(q(container, '[data-testid="profile-stage"][data-stage="escalate_vlm"]').textContent).toContain('not available yet');
    fireEvent.click(q(container, '[data-testid="profile-stage"][data-stage="ocr"] [aria-label="Move ocr up"]'));
    fireEvent.click(q(container, '[data-testid="profile-stage"][data-stage="segment_field"] [aria-label="Remove segment_field"]'));
    expect(stagesShown(container)).toEqual(['extract_frames', 'ocr', 'match_brands', 'escalate_vlm', 'compile_report']);
    expect(q(container, '[data-testid="stage-settings"][data-stage="segment_field"]')).toBeNull();
  });

  test('settings from each schema: only changed values are saved; a bad one is named at its field first', async () => {
    const { container, callsOf } = await mount();
    const width = field(container, 'configs.ocr.det_width');
    expect(width.value).toBe('960');
    expect((field(container, 'configs.ocr.lang') as unknown as HTMLSelectElement).value).toBe('en');
    expect(field(container, 'configs.segment_field.hue').value).toBe('35, 85');
    expect(field(container, 'configs.match_brands.fuzzy').checked).toBe(true);

    fireEvent.input(width, { target: { value: '100' } });
    fireEvent.input(field(container, 'configs.segment_field.hue'), { target: { value: '30, x' } });
    fireEvent.click(q(container, '[data-testid="save-profile"]'));
    await Promise.resolve();
    expect(errorFor(container, 'configs.ocr.det_width')).toBe('Must be at least 320.');
    expect(errorFor(container, 'configs.segment_field.hue')).toBe('Item 2 (x) is not a number: separate numbers with commas.');
    expect(field(container, 'configs.segment_field.hue').value).toBe('30, x'); // what was typed stays
    expect(callsOf('updateProfile')).toEqual([]);

    fireEvent.input(width, { target: { value: '1280' } });
    fireEvent.input(field(container, 'configs.segment_field.hue'), { target: { value: '35,85' } });
    fireEvent.click(field(container, 'configs.match_brands.fuzzy'));
    const stopWords = field(container, 'configs.match_brands.stop_words');
    expect(stopWords.tagName).toBe('TEXTAREA'); // one a line, as in the stage inspector
    fireEvent.input(stopWords, { target: { value: 'fc\n\nunited, city\n' } });
    expect(stopWords.value).toBe('fc\n\nunited, city\n'); // what was typed stays
    fireEvent.change(field(container, 'configs.ocr.lang'), { target: { value: 'multi' } });
    fireEvent.input(field(container, 'description'), { target: { value: 'Night games' } });
    fireEvent.click(q(container, '[data-testid="save-profile"]'));
    await waitFor(() => expect(callsOf('updateProfile').length).toBe(1));
    expect(callsOf('updateProfile')[0]).toEqual([
      'mine',
      {
        description: 'Night games',
        pipeline: MINE.pipeline,
        configs: { ocr: { det_width: 1280, lang: 'multi' }, match_brands: { min_similarity: 0.8, fuzzy: false, stop_words: ['fc', 'united, city'] } },
      },
    ]);
  });

  test('edges as from → to rows with what flows; a cycle is named before sending', async () => {
    const { container, callsOf } = await mount();
    expect((field(container, 'pipeline.edges[0].from') as unknown as HTMLSelectElement).value).toBe('ocr');
    fireEvent.click(q(container, '[data-testid="add-edge"]'));
    fireEvent.change(field(container, 'pipeline.edges[1].from'), { target: { value: 'match_brands' } });
    fireEvent.change(field(container, 'pipeline.edges[1].to'), { target: { value: 'ocr' } });
    fireEvent.change(field(container, 'pipeline.edges[1].flow'), { target: { value: 'unresolved' } });
    fireEvent.click(q(container, '[data-testid="save-profile"]'));
    await Promise.resolve();
    expect(errorFor(container, 'pipeline.edges')).toBe('A cycle: ocr → match_brands → ocr.');
    expect(callsOf('updateProfile')).toEqual([]);
    fireEvent.click(q(container, '[aria-label="Remove edge 1"]'));
    expect(errorFor(container, 'pipeline.edges')).toBeNull();
    fireEvent.click(q(container, '[data-testid="save-profile"]'));
    await waitFor(() => expect(callsOf('updateProfile').length).toBe(1));
    expect((callsOf('updateProfile')[0]![1] as { pipeline: unknown }).pipeline).toEqual({
      stages: MINE.pipeline.stages,
      edges: [{ from: 'match_brands', to: 'ocr', flow: 'unresolved' }],
    });
  });

  test("the server's refusal at the field it names, else on the form; Delete asks first", async () => {
    let answer = 'configs.match_brands.min_similarity: must be at most 1, got 2';
    const { container, callsOf } = await mount({ updateProfile: async () => Promise.reject(refused(answer)) });
    fireEvent.click(q(container, '[data-testid="save-profile"]'));
    await waitFor(() => expect(errorFor(container, 'configs.match_brands.min_similarity')).toBe('Must be at most 1, got 2.'));
    expect((q(container, '[data-testid="stage-settings"][data-stage="match_brands"]') as HTMLDetailsElement).open).toBe(true);
    answer = 'no profile "mine"';
    fireEvent.click(q(container, '[data-testid="save-profile"]'));
    await waitFor(() => expect(q(container, '[data-testid="profile-error"]')?.textContent).toContain('No profile "mine".'));

    fireEvent.click(q(container, '[data-testid="delete-profile"]'));
    expect(callsOf('deleteProfile')).toEqual([]);
    fireEvent.click(q(container, '[data-testid="confirm-delete-profile"]'));
    // Let the form unmount before waitFor observes: happy-dom's MutationObserver takes seconds over a removal this large.
    await new Promise((r) => setTimeout(r, 10));
    expect(q(container, '[data-testid="profile-row"][data-name="mine"]')).toBeNull();
    expect(callsOf('deleteProfile')).toEqual([['mine']]);
  });
});
