/**
 * Events of a stage stream, `stage:<jobId>:<stage>`: one stage of a staged
 * job (detection's pipeline), as the stage actor records it. Each stage
 * that ran makes a checkpoint; a replayed stage hangs its new checkpoint
 * under the one it started from, so tries stay side by side. A stage that
 * reused another job's output names that job's checkpoint.
 */
export type StageEvent =
  | { type: 'StageStarted'; data: { jobId: string; stage: string; attempt: number; chunks: number; config: Record<string, unknown>; at: string } }
  | {
      type: 'StageCompleted';
      data: {
        jobId: string;
        stage: string;
        attempt: number;
        checkpointId: string;
        parentCheckpointId: string | null;
        /** The timeline (or other scope) its checkpoints are grouped by. */
        scope: string | null;
        overrides: Record<string, unknown>;
        stats: Record<string, number>;
        output: unknown;
        ms: number;
        /** The job whose output it reused, when it did not run. */
        reusedFrom: string | null;
        at: string;
      };
    }
  | { type: 'StageSkipped'; data: { jobId: string; stage: string; attempt: number; reason: string; at: string } }
  | { type: 'StageFailed'; data: { jobId: string; stage: string; attempt: number; reason: string; at: string } };

export const stageStream = (jobId: string, stage: string) => `stage:${jobId}:${stage}`;

/** The checkpoint id of a stage's run in an attempt: deterministic, so a repeated record is the same node. */
export const checkpointIdOf = (jobId: string, stage: string, attempt: number) => (attempt > 1 ? `${jobId}-${stage}-r${attempt}` : `${jobId}-${stage}`);
