import { describe, expect, test } from 'bun:test';
import type { Preset } from '../types.ts';
import { blankDraft, draftOf, duplicateOf, numberOf, toSubmit, withAddedRung, withOutput, withoutRung, withRung } from './preset-draft.ts';
import { fieldMarks } from './preset-marks.ts';

const preset = (): Preset => ({ ...blankDraft(), id: 'mine', name: 'Mine', builtin: true });

describe('preset draft', () => {
  test('a draft is a deep copy without `builtin`; a duplicate gets a new id and name', () => {
    const p = preset();
    const d = draftOf(p);
    expect('builtin' in d).toBe(false);
    d.video!.rungs[0]!.height = 1;
    expect(p.video!.rungs[0]!.height).toBe(360);
    expect(duplicateOf(p)).toMatchObject({ id: 'mine-copy', name: 'Mine (copy)' });
  });

  test('blank number inputs are NaN, not 0', () => {
    expect(numberOf(' ')).toBeNaN();
    expect(numberOf('25')).toBe(25);
  });

  test('changing the output drops the sections it does not use and fills in those it gains', () => {
    const audio = withOutput(blankDraft(), 'audio');
    expect(audio.video).toBeNull();
    expect(audio.thumbnails).not.toBeNull(); // kept: only hls and thumbnails fill it in, none drop it
    const thumbs = withOutput({ ...audio, thumbnails: null }, 'thumbnails');
    expect(thumbs.audio).toBeNull();
    expect(thumbs.video).toEqual(blankDraft().video);
    expect(thumbs.thumbnails).toEqual(blankDraft().thumbnails);
  });

  test('rungs: edit one, remove one, add the next one up', () => {
    const v = blankDraft().video!;
    expect(withRung(v, 1, { name: 'hd' }).rungs.map((r) => r.name)).toEqual(['360p', 'hd']);
    expect(withoutRung(v, 0).rungs.map((r) => r.height)).toEqual([720]);
    expect(withAddedRung(v).rungs.at(-1)).toEqual({ name: '1440p', height: 1440, videoBitrate: 5_000_000 });
    expect(withAddedRung({ ...v, rungs: [] }).rungs).toEqual([{ name: '360p', height: 360, videoBitrate: 800_000 }]);
  });

  test('the body sent leaves a blank rung name out and trims the others', () => {
    const d = blankDraft();
    const v = withRung(withRung(d.video!, 0, { name: '  ' }), 1, { name: ' hd ' });
    expect(toSubmit({ ...d, video: v }).video!.rungs).toEqual([
      { height: 360, videoBitrate: 800_000 },
      { name: 'hd', height: 720, videoBitrate: 2_500_000 },
    ] as never);
    expect(toSubmit({ ...d, video: null }).video).toBeNull();
  });
});

describe('field marks', () => {
  const m = fieldMarks(() => [
    { field: 'video.rungs[1]', message: 'Bad rung.' },
    { field: 'audio', message: 'No audio.' },
    { field: 'audio', message: 'Really.' },
    { field: null, message: 'Something else.' },
  ]);

  test('bad covers a section, its fields and what lies inside; whole is that exact path', () => {
    expect(m.bad('audio.bitrate')).toBe(true);
    expect(m.bad('video.rungs')).toBe(true);
    expect(m.bad('video.maxFps')).toBe(false);
    expect(m.whole('audio')).toBe(true);
    expect(m.whole('audio.bitrate')).toBe(false);
  });

  test("a rung's cell is marked by its row's issue; messages are joined per exact path", () => {
    expect(m.cell('video.rungs[1].height')).toBe(true);
    expect(m.cell('video.rungs[0].height')).toBe(false);
    expect(m.msg('audio')).toBe('No audio. Really.');
    expect(m.msg('audio.bitrate')).toBeNull();
  });
});
