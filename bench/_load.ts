/**
 * The client side of bench/api.ts, in a process of its own so the server's
 * event loop is not shared with the load. Modes (argv[2]):
 * - `get URL AUTH SECONDS CONCURRENCY`: GETs in a closed loop; prints `{ requests, ms, errors }`.
 * - `sse URL AUTH CLIENTS SECONDS`: CLIENTS event streams; each `log` frame's
 *   delay = arrival − the `at` the server put in its data; prints `{ delays, clients }`.
 */
export {};

const [mode, url, auth, a, b] = process.argv.slice(2);
const headers: Record<string, string> = auth ? { authorization: auth } : {};

if (mode === 'get') {
  const seconds = Number(a);
  const concurrency = Number(b);
  const end = performance.now() + seconds * 1000;
  let requests = 0;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const res = await fetch(url!, { headers });
        await res.arrayBuffer();
        if (res.ok) requests++;
        else errors++;
      }
    }),
  );
  console.log(JSON.stringify({ requests, errors, ms: performance.now() - t0 }));
} else if (mode === 'sse') {
  const clients = Number(a);
  const seconds = Number(b);
  const delays: number[] = [];
  let open = 0;
  const ctl = new AbortController();
  const decoder = new TextDecoder();
  const one = async () => {
    const res = await fetch(url!, { headers: { ...headers, accept: 'text/event-stream' }, signal: ctl.signal });
    if (!res.ok || !res.body) throw new Error(`${url} answered ${res.status}`);
    open++;
    let buf = '';
    try {
      for await (const chunk of res.body) {
        buf += decoder.decode(chunk as Uint8Array, { stream: true });
        let cut = buf.indexOf('\n\n');
        while (cut >= 0) {
          const frame = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data:'));
          if (frame.includes('event: log') && data) {
            const sent = (JSON.parse(data.slice(5)) as { data?: { sentAt?: number } }).data?.sentAt;
            if (typeof sent === 'number') delays.push(performance.timeOrigin + performance.now() - sent);
          }
          cut = buf.indexOf('\n\n');
        }
      }
    } catch {
      // aborted at the end
    }
  };
  const all = Array.from({ length: clients }, one);
  // Tell the parent the streams are open, then run for the time asked.
  while (open < clients) await Bun.sleep(20);
  console.log('READY');
  await Bun.sleep(seconds * 1000);
  ctl.abort();
  await Promise.allSettled(all);
  console.log(JSON.stringify({ clients: open, delays }));
}
