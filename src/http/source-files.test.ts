import { describe, expect, test } from 'bun:test';
import { checkSourceGrant, mediaTypeFor, signSourceUrl, sourceKeyOf } from './source-files.ts';

const secret = { kid: 'k1', secret: Buffer.alloc(32, 7).toString('base64url'), createdAtMs: 0 };
const NOW = 1_700_000_000_000;

describe('signed source URLs', () => {
  const url = signSourceUrl('in/a b/match.mp4', NOW / 1000 + 60, secret);
  const [path, query] = url.split('?') as [string, string];

  test('a URL names its key, escaped segment by segment, and opens exactly that key until it expires', () => {
    expect(path).toBe('/api/sources/in/a%20b/match.mp4');
    expect(sourceKeyOf(path)).toBe('in/a b/match.mp4');
    const q = new URLSearchParams(query);
    expect(checkSourceGrant(q, 'in/a b/match.mp4', [secret], NOW)).toEqual({ ok: true });
    expect(checkSourceGrant(q, 'in/a b/other.mp4', [secret], NOW)).toMatchObject({ ok: false, why: expect.stringContaining('bad signature') });
    expect(checkSourceGrant(q, 'in/a b/', [secret], NOW)).toMatchObject({ ok: false });
    expect(checkSourceGrant(q, 'in/a b/match.mp4', [secret], NOW + 61_000)).toMatchObject({ ok: false, why: expect.stringContaining('expired') });
    expect(checkSourceGrant(q, 'in/a b/match.mp4', [{ ...secret, kid: 'k2' }], NOW)).toMatchObject({ ok: false, why: 'signed with an unknown key' });
  });

  test('an output grant is not a source signature', () => {
    const q = new URLSearchParams({ scope: 'in/', exp: String(NOW / 1000 + 60), kid: 'k1', sig: new URLSearchParams(query).get('sig')! });
    expect(checkSourceGrant(q, 'in/x.mp4', [secret], NOW).ok).toBe(false);
    expect(checkSourceGrant(new URLSearchParams(''), 'in/x.mp4', [secret], NOW)).toEqual({ ok: false, why: 'not a signed source URL' });
    expect(checkSourceGrant(new URLSearchParams({ exp: '1e9', kid: 'k1', sig: 'x' }), 'in/x.mp4', [secret], NOW)).toEqual({
      ok: false,
      why: 'malformed expiry',
    });
  });

  test('a key that is not valid percent-encoding is no key; media types cover the scanned containers', () => {
    expect(sourceKeyOf('/api/sources/%E0%A4%A')).toBeNull();
    expect(sourceKeyOf('/api/sources/..%2Fx')).toBe('../x');
    expect(mediaTypeFor('a/b.MP4')).toBe('video/mp4');
    expect(mediaTypeFor('clip.avi')).toBe('video/x-msvideo');
    expect(mediaTypeFor('song.mp3')).toBe('audio/mpeg');
    expect(mediaTypeFor('noext')).toBe('application/octet-stream');
  });
});
