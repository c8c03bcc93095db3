/**
 * The `asset-outputs` router: an asset deleted with deleteOutputs removes
 * the outputs of every job made from it (`jobs/<jobId>/` in the output
 * store, where transcode writes them), then records AssetOutputsDeleted on
 * the asset's stream with what it removed. The HTTP route waits for that
 * fact to answer how many files went.
 *
 * Idempotent under re-delivery: the asset actor says whether a deletion is
 * still owed (outputsPending), so an event handled and recorded before a
 * restart does nothing the second time. One interrupted between deleting
 * and recording deletes again (finding less, or nothing: deletePrefix of a
 * gone prefix removes 0) and records once.
 */
import { actorsOf } from '../../actors/registry.ts';
import type { Router } from '../../actors/router.ts';
import type { Runtime } from '../../actors/runtime.ts';
import { streamId } from '../../events/index.ts';
import type { Storage } from '../../storage/index.ts';

export interface AssetOutputsDeps {
  runtime: Runtime;
  output: Pick<Storage, 'deletePrefix'>;
  /** The ids of every job made from the asset (the jobs read model). */
  jobsOfAsset: (assetId: string) => string[];
  now: () => string;
}

/** Where a job's outputs live in the output store. */
export const jobOutputsPrefix = (jobId: string) => `jobs/${jobId}/`;

export const createAssetOutputsRouter = (d: AssetOutputsDeps): Router => {
  const actors = actorsOf(d.runtime);
  return {
    name: 'asset-outputs',
    types: new Set(['AssetDeleted']),
    async handle(e) {
      if (e.type !== 'AssetDeleted' || !e.data.deleteOutputs) return;
      const assetId = streamId(e.stream);
      const asset = actors.asset(assetId);
      // Checked before the effect: recorded already (this is a re-delivery), or covered by an earlier pass.
      if (!(await asset.load()).state.outputsPending) return;
      const jobs = d.jobsOfAsset(assetId);
      let objects = 0;
      for (const jobId of jobs) objects += await d.output.deletePrefix(jobOutputsPrefix(jobId));
      await asset.execute(
        { type: 'RecordOutputsDeleted', data: { jobs: jobs.length, objects, at: d.now() } },
        { actor: 'router:asset-outputs', causationId: String(e.position), correlationId: assetId },
      );
    },
  };
};
