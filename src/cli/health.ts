/**
 * `mpr health`: asks the local server's `/api/health` (open: no credentials) and exits 0 when
 * it answers 200 within the timeout, 1 otherwise. Docker's HEALTHCHECK runs
 * it, so the image needs no curl; Docker reads exit 1 as unhealthy (other
 * codes are reserved), hence the explicit exit instead of a thrown error.
 */
import type { Config } from '../config.ts';
import { errorMessage } from '../errors.ts';

/** The address to ask: a wildcard bind is reached on loopback. */
export const healthUrl = (c: Pick<Config, 'host' | 'port'>): string => {
  const host = c.host === '0.0.0.0' || c.host === '::' || c.host === '' ? '127.0.0.1' : c.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${c.port}/api/health`;
};

export const checkHealth = async (url: string, timeoutMs = 5000): Promise<{ ok: boolean; message: string }> => {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return { ok: false, message: `${url} answered ${res.status}` };
    const body = (await res.json()) as { version?: string };
    return { ok: true, message: `ok: MPR ${body.version ?? '?'}` };
  } catch (e) {
    return { ok: false, message: `${url}: ${errorMessage(e)}` };
  }
};

export const healthCommand = async (config: Config, out: (s: string) => void): Promise<void> => {
  const r = await checkHealth(healthUrl(config));
  out(r.message);
  if (!r.ok) process.exit(1);
};
