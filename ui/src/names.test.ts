import { describe, expect, test } from 'bun:test';
import { folderOf, presetLabel, rangeOf, sourceLabel } from './names.ts';

describe('names on screen', () => {
  test("an asset's folder: the server's, else the key's directory", () => {
    expect(folderOf({ key: 'shows/day one/clip.mp4', folder: 'shows/day one' })).toBe('shows/day one');
    expect(folderOf({ key: 'shows/day one/clip.mp4' })).toBe('shows/day one');
    expect(folderOf({ key: 'clip.mp4' })).toBe('');
    expect(folderOf({ key: 'a/clip.mp4', folder: '' })).toBe('');
  });

  test("a job's source: its file name, else its key's last part, else the asset id", () => {
    expect(sourceLabel({ sourceName: 'clip.mp4', sourceKey: 'shows/clip.mp4', assetId: 'a1' })).toBe('clip.mp4');
    expect(sourceLabel({ sourceName: null, sourceKey: 'shows/clip.mp4', assetId: 'a1' })).toBe('clip.mp4');
    expect(sourceLabel({ assetId: 'a1' })).toBe('a1');
    expect(sourceLabel({ assetId: null })).toBe('—');
  });

  test("a job's preset: its name, else a loaded preset's, else the id", () => {
    const presets = [{ id: 'hls-abr', name: 'HLS ladder' }];
    expect(presetLabel({ presetName: 'Small ladder', presetId: 'small' }, presets)).toBe('Small ladder');
    expect(presetLabel({ presetId: 'hls-abr' }, presets)).toBe('HLS ladder');
    expect(presetLabel({ presetName: null, presetId: 'gone' }, presets)).toBe('gone');
  });

  test("a job's range: the field, else the params' (older servers), else none", () => {
    expect(rangeOf({ range: { start: 1, end: 2 }, params: {} })).toEqual({ start: 1, end: 2 });
    expect(rangeOf({ range: null, params: { range: { start: 1, end: 2 } } })).toBeNull();
    expect(rangeOf({ params: { range: { start: 3, end: 4 } } })).toEqual({ start: 3, end: 4 });
    expect(rangeOf({ params: { presetId: 'x' } })).toBeNull();
    expect(rangeOf({})).toBeNull();
  });
});
