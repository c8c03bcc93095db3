/** The shared media corpus (../shared/corpus beside the repository): referenced in place, never copied into the repo. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CORPUS = resolve(import.meta.dir, '../../shared/corpus');

export const corpusFile = (rel: string): string => {
  const p = join(CORPUS, rel);
  if (!existsSync(p)) throw new Error(`corpus file missing: ${p} (the test run needs ../shared/corpus beside the repository; see its MANIFEST.md)`);
  return p;
};
