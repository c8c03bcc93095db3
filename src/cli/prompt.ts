/**
 * Asking the user for a line: on a terminal, with echo off for secrets; from
 * a pipe, one line per question (`printf 'pw\n' | mpr login URL --email x`),
 * so scripts and tests answer the same questions a person does.
 */
import { AppError } from '../errors.ts';

export interface Prompter {
  ask(question: string): Promise<string>;
  /** A secret: not echoed on a terminal. */
  askHidden(question: string): Promise<string>;
}

const NO_INPUT = (question: string) =>
  new AppError('validation', `no answer to "${question.replace(/:\s*$/, '')}" on stdin (pipe it in, one line per question, or run on a terminal)`);

/** One line at a time from a stream; each question takes the next line (a trailing \r dropped), null at the end. */
export const lineReader = (stream: ReadableStream<Uint8Array>): (() => Promise<string | null>) => {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let ended = false;
  return async () => {
    for (;;) {
      const nl = buffered.indexOf('\n');
      if (nl >= 0) {
        const line = buffered.slice(0, nl).replace(/\r$/, '');
        buffered = buffered.slice(nl + 1);
        return line;
      }
      if (ended) {
        const last = buffered;
        buffered = '';
        return last === '' ? null : last;
      }
      const { value, done } = await reader.read();
      if (done) ended = true;
      else buffered += decoder.decode(value, { stream: true });
    }
  };
};

/** Questions answered from a pipe; the question still goes to stderr, so a log shows what was asked. */
export const pipedPrompter = (stream: ReadableStream<Uint8Array>, err: (s: string) => void): Prompter => {
  const next = lineReader(stream);
  const ask = async (question: string) => {
    err(question);
    const line = await next();
    if (line === null) throw NO_INPUT(question);
    return line;
  };
  return { ask, askHidden: ask };
};

/** A line typed on the terminal, read in raw mode so a secret is never echoed. */
const ttyLine = (question: string, echo: boolean): Promise<string> =>
  new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    let line: string[] = [];
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          finish();
          return resolve(line.join(''));
        }
        if (ch === '\u0003' || (ch === '\u0004' && line.length === 0)) {
          // Raw mode turns Ctrl-C into a character rather than a signal: stop as it would.
          finish();
          return reject(new AppError('validation', 'cancelled'));
        }
        if (ch === '\u007f' || ch === '\b') {
          if (line.length > 0 && echo) process.stderr.write('\b \b');
          line = line.slice(0, -1);
        } else if (ch === '\u0015') {
          if (echo) process.stderr.write('\b \b'.repeat(line.length));
          line = []; // Ctrl-U: start over
        } else if (ch >= ' ') {
          line.push(ch);
          if (echo) process.stderr.write(ch);
        }
      }
    };
    stdin.on('data', onData);
  });

export const ttyPrompter = (): Prompter => ({ ask: (q) => ttyLine(q, true), askHidden: (q) => ttyLine(q, false) });

/** The terminal when stdin is one, else stdin's lines. */
export const stdinPrompter = (err: (s: string) => void): Prompter => (process.stdin.isTTY ? ttyPrompter() : pipedPrompter(Bun.stdin.stream(), err));
