/** api.ts's upload calls: /api calls carry the session's token, part PUTs never do; the etag from the header or the body; refusals as ApiErrors. */
import { expect, test } from 'bun:test';
import { ApiError, createClient } from '../api.ts';

test('a part goes with no token and no cookie; the /api calls around it carry the token', async () => {
  const seen: { url: string; method: string; auth: string | null; credentials?: RequestCredentials }[] = [];
  const api = createClient({
    fetch: async (url, init) => {
      const headers = (init?.headers ?? {}) as Record<string, string>;
      seen.push({ url, method: init?.method ?? 'GET', auth: headers.authorization ?? null, credentials: init?.credentials });
      if (url === '/api/auth/login') {
        return Response.json({
          accessToken: 'tok',
          expiresIn: 900,
          user: { id: 'u', email: 'a@b', role: 'admin', disabled: false, mustChangePassword: false },
        });
      }
      if (url.startsWith('/api/uploads/u1/parts/1')) return new Response(JSON.stringify({ number: 1, etag: '"e1"', size: 3 }), { headers: { etag: '"e1"' } });
      if (url.startsWith('https://bucket.example/')) return new Response(null, { headers: { etag: '"s3"' } });
      if (url.startsWith('/api/uploads/u1/parts/2')) return Response.json({ number: 2, etag: '"from-body"', size: 3 });
      if (url.startsWith('/api/uploads/u1/parts/3'))
        return Response.json({ error: { code: 'forbidden', message: 'this link does not open part 3: expired' } }, { status: 403 });
      return Response.json({ id: 'u1' }, { status: 201 });
    },
    eventSource: () => ({}) as EventSource,
    setTimer: () => 0,
    clearTimer: () => undefined,
  });
  await api.login('a@b', 'pw');
  await api.createUpload({ filename: 'a.mp4', size: 3, contentType: 'video/mp4' });
  const signal = new AbortController().signal;
  const body = new Blob([new Uint8Array([1, 2, 3])]);
  expect(await api.putPart('/api/uploads/u1/parts/1?sig=x', body, { signal })).toBe('"e1"');
  expect(await api.putPart('https://bucket.example/k?X-Amz-Signature=y', body, { signal })).toBe('"s3"');
  expect(await api.putPart('/api/uploads/u1/parts/2?sig=x', body, { signal })).toBe('"from-body"');
  const refused = await api.putPart('/api/uploads/u1/parts/3?sig=x', body, { signal }).catch((e) => e);
  expect(refused).toBeInstanceOf(ApiError);
  expect(refused).toMatchObject({ status: 403, message: 'this link does not open part 3: expired' });

  expect(seen.find((s) => s.url === '/api/uploads')).toMatchObject({ method: 'POST', auth: 'Bearer tok' });
  const parts = seen.filter((s) => s.method === 'PUT');
  expect(parts).toHaveLength(4);
  for (const p of parts) expect(p).toMatchObject({ auth: null, credentials: 'omit' });
});
