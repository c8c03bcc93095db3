/** A transcode of an asset with a preset, as the CLI, benchmarks and tests ask for one (the HTTP route goes through `submitRequest` too). */
import type { JobKinds } from '../../actors/job-kind.ts';
import type { Runtime } from '../../actors/runtime.ts';
import { submitRequest } from '../../actors/submit.ts';

export const submitTranscode = (
  d: { runtime: Runtime; kinds: JobKinds; now: () => string },
  req: { assetId: string; presetId: string; range?: unknown; jobId?: string; actor?: string },
) => submitRequest(d, { kind: 'transcode', fields: { assetId: req.assetId, presetId: req.presetId, range: req.range }, jobId: req.jobId, actor: req.actor });
