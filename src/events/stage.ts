/**
 * Events of a stage stream, `stage:<jobId>:<stage>`: one run of one pipeline
 * stage. Each completed run is a checkpoint; a replayed stage hangs its new
 * checkpoint under the one it started from, so tries stay side by side.
 */
export type StageEvent =
  | { type: 'StageStarted'; data: { jobId: string; stage: string; config: Record<string, unknown>; at: string } }
  | {
      type: 'StageCompleted';
      data: {
        jobId: string;
        stage: string;
        checkpointId: string;
        parentCheckpointId: string | null;
        overrides: Record<string, unknown>;
        stats: Record<string, number>;
        output: unknown;
        at: string;
      };
    }
  | { type: 'StageFailed'; data: { jobId: string; stage: string; reason: string; at: string } };

export const stageStream = (jobId: string, stage: string) => `stage:${jobId}:${stage}`;
