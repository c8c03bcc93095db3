#!/usr/bin/env bun
/** The `mpr` command: one binary, the role is the subcommand. */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { AppError, errorMessage } from '../errors.ts';
import { storageFromConfig } from '../storage/factory.ts';
import { createSystem } from '../system.ts';
import { ACCOUNT_COMMANDS, accountCommand } from './account-commands.ts';
import { checksumCommand, eventsCommand, rebuildCommand, replayCommand, stateCommand, type Boot } from './commands.ts';
import { healthCommand } from './health.ts';
import { resolveBinaries } from '../media/binaries.ts';
import { scanCommand, transcodeCommand } from './media-commands.ts';
import { rangeFromFlags } from './timecode.ts';
import { parseOverrides } from './overrides.ts';
import { startCommand, workerCommand } from './start.ts';
import { uploadCommand } from './upload-command.ts';
import { workersCommand } from './workers-command.ts';

const HELP = `mpr — media processing on an event-sourced actor core

Usage: mpr <command> [options]

Commands:
  start                         API + projections + workers in one process (embedded defaults)
  serve                         API + UI + projections + routers, no workers (MPR_WORK_QUEUE=redis: mpr worker runs the work)
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
  detect FILE... --profile NAME|profile.json --brands brands.json [--fps N] [--from T] [--to T] [--out report.json|.csv]
                                brand detection here, no server: live progress per stage, the brand table at the end
                                (profiles soccer_broadcast, generic_broadcast; brands.json: [{ name, aliases?, images? }])
  checksum FILE [--chunk-bytes N]
                                hash a file in parallel chunks as a job, with a progress bar
  health                        exit 0 if the server on HOST:PORT answers /api/health, else 1
  help                          this text

Talking to a server (as the user mpr login stored, or MPR_URL + MPR_API_KEY when both are set):
  login URL [--email EMAIL]     log in (the password is asked, or read from stdin) and store an API key
                                for the CLI in $MPR_CONFIG_DIR, $XDG_CONFIG_HOME/mpr or ~/.config/mpr
  logout                        revoke the stored key and remove it
  user add EMAIL [--role admin|member] [--password P]
                                add a user (admins); without --password a one-time one is printed
  user list [--json]            every user
  user disable|enable|remove EMAIL
  key create NAME [--scopes read,write,admin] [--expires ISO]
                                a new API key of yours (default read,write), printed once, alone on stdout
  key list [--json]             your API keys
  key revoke ID
  workers [--json]              the workers registered with the server: live, lost, stopped, what each runs now
  upload FILE... [--to FOLDER]  send files (a folder: its media files, sub-folders kept) into the input store
                                under FOLDER, 4 parts at a time; run it again after an interruption to resume
  signing-key rotate [--revoke-old]
                                a new key signing access tokens and links (admins); --revoke-old refuses
                                what the old one signed at once (after a leak)

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
      email: { type: 'string' },
      role: { type: 'string' },
      password: { type: 'string' },
      scopes: { type: 'string' },
      expires: { type: 'string' },
      'revoke-old': { type: 'boolean' },
      profile: { type: 'string' },
      brands: { type: 'string' },
      fps: { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  if (!command || command === 'help' || values.help) return void console.log(HELP);
  const out = (s: string) => console.log(s);
  // Client commands: the server's configuration is not theirs to read (or to fail on).
  if (ACCOUNT_COMMANDS.includes(command)) return accountCommand({ env: Bun.env, out, err: (s) => console.error(s) }, command, rest, values);
  if (command === 'workers') return workersCommand({ env: Bun.env, out }, rest, { json: values.json });
  if (command === 'upload') return uploadCommand({ env: Bun.env, out, progress: process.stderr }, rest, { to: values.to });

  const config = loadConfig();
  const boot: Boot = () => createSystem(config);

  switch (command) {
    case 'start':
    case 'serve':
      await startCommand(await boot(), command);
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
    case 'detect': {
      // Loaded on use: it brings onnxruntime's and sharp's native libraries, which no other command needs.
      const { detectCommand } = await import('./detect-command.ts').catch((e: unknown) => {
        throw new AppError('unavailable', `mpr detect cannot load its native libraries (onnxruntime, sharp): ${errorMessage(e).split('\n')[0]}`);
      });
      await detectCommand(
        {
          bins: resolveBinaries({ FFMPEG_PATH: config.ffmpegPath ?? undefined, FFPROBE_PATH: config.ffprobePath ?? undefined, PATH: process.env.PATH }),
          out,
          progress: process.stderr,
        },
        rest,
        values,
      );
      return;
    }
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
