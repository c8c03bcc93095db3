#!/usr/bin/env bun
/** The `mpr` command: one binary, the role is the subcommand. */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { AppError, errorMessage } from '../errors.ts';
import { storageFromConfig } from '../storage/factory.ts';
import { createSystem } from '../system.ts';
import { checksumCommand, eventsCommand, rebuildCommand, replayCommand, stateCommand, type Boot } from './commands.ts';
import { healthCommand } from './health.ts';
import { scanCommand, transcodeCommand } from './media-commands.ts';
import { rangeFromFlags } from './timecode.ts';
import { parseOverrides } from './overrides.ts';
import { startCommand, workerCommand } from './start.ts';

const HELP = `mpr — media processing on an event-sourced actor core

Usage: mpr <command> [options]

Commands:
  start                         API + projections + workers in one process (embedded defaults)
  worker                        only run work from the shared queue (MPR_WORK_QUEUE=redis, REDIS_URL)
  events [STREAM] [--follow] [--from POS] [--json]
                                print the log: one stream (job:ID), a kind (job), or all
  state STREAM [--at POS]       an actor's state as of a log position (time travel)
  replay JOB --from POS [--dry-run] [--set key=value ...] [--overrides JSON]
                                fork JOB from a log position and run the fork here
  projections rebuild           drop the read models and refold them from the log
  scan [PREFIX] [--json]        register the media files of the input store (MEDIA_IN or S3_BUCKET_IN)
  transcode FILE [--preset ID] [--out DIR] [--from TIME] [--to TIME]
                                transcode one file here, no server needed (preset hls-abr,
                                mp4-720p, audio-aac or thumbnails; outputs to DIR, default ./out);
                                --from/--to trim it frame-accurately (seconds or hh:mm:ss.fff)
  checksum FILE [--chunk-bytes N]
                                hash a file in parallel chunks as a job, with a progress bar
  health                        exit 0 if the server on HOST:PORT answers /api/system/status, else 1
  help                          this text

Configuration comes from the environment; see README.md (MPR_DATA, PORT, REDIS_URL, ...).`;

const int = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new AppError('validation', `--${name} needs a whole number, got "${v}"`);
  return Number(v);
};

export const main = async (argv: string[]): Promise<void> => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      follow: { type: 'boolean', short: 'f' },
      from: { type: 'string' },
      to: { type: 'string' },
      at: { type: 'string' },
      json: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      set: { type: 'string', multiple: true },
      overrides: { type: 'string' },
      'chunk-bytes': { type: 'string' },
      preset: { type: 'string', short: 'p' },
      out: { type: 'string', short: 'o' },
    },
  });
  const [command, ...rest] = positionals;
  if (!command || command === 'help' || values.help) return void console.log(HELP);

  const config = loadConfig();
  const boot: Boot = () => createSystem(config);
  const out = (s: string) => console.log(s);

  switch (command) {
    case 'start':
      await startCommand(await boot());
      return;
    case 'events':
      return eventsCommand(boot, out, { stream: rest[0], follow: !!values.follow, from: int('from', values.from) ?? 0, json: !!values.json });
    case 'state':
      if (!rest[0]) throw new AppError('validation', 'usage: mpr state STREAM [--at POSITION]');
      return stateCommand(boot, out, { stream: rest[0], at: int('at', values.at) ?? null });
    case 'replay': {
      const from = int('from', values.from);
      if (!rest[0] || from === undefined) throw new AppError('validation', 'usage: mpr replay JOB --from POSITION [--dry-run]');
      const overrides = parseOverrides(values.set ?? [], values.overrides);
      return replayCommand(boot, out, { jobId: rest[0], from, dryRun: !!values['dry-run'], overrides });
    }
    case 'projections':
      if (rest[0] !== 'rebuild') throw new AppError('validation', 'usage: mpr projections rebuild');
      return rebuildCommand(boot, out, { dataDir: config.dataDir });
    case 'worker':
      await workerCommand(await boot());
      return;
    case 'scan':
      return scanCommand(boot, out, { prefix: rest[0], json: !!values.json });
    case 'transcode':
      if (!rest[0]) throw new AppError('validation', 'usage: mpr transcode FILE [--preset hls-abr] [--out DIR] [--from TIME] [--to TIME]');
      return transcodeCommand(Bun.env, out, {
        file: rest[0],
        preset: values.preset ?? 'hls-abr',
        out: values.out ?? 'out',
        range: rangeFromFlags(values.from, values.to),
      });
    case 'checksum':
      if (!rest[0]) throw new AppError('validation', 'usage: mpr checksum FILE [--chunk-bytes N]');
      return checksumCommand((input) => createSystem(config, input ? { storage: { ...storageFromConfig(config), input } } : {}), out, {
        file: rest[0],
        chunkBytes: int('chunk-bytes', values['chunk-bytes']),
        inputFolder: config.s3BucketIn ? null : config.mediaIn,
      });
    case 'health':
      return healthCommand(config, out);
    default:
      throw new AppError('validation', `unknown command "${command}"; run mpr --help`);
  }
};

if (import.meta.main) {
  main(process.argv.slice(2)).catch((e) => {
    if (e instanceof ConfigError) console.error(`mpr: configuration error: ${e.message}`);
    else if (e instanceof AppError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') console.error(`mpr: ${errorMessage(e)}`);
    else console.error(`mpr: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(e instanceof AppError || e instanceof ConfigError ? 2 : 1);
  });
}
