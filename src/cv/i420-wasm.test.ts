/** The committed WebAssembly bytes are what src/cv/i420.wat compiles to (scripts/build-wasm.ts writes them). */
import { expect, test } from 'bun:test';
import { resolve } from 'node:path';
import { compileWat, I420_MODULE, wasmModuleSource } from '../../scripts/wasm-source.ts';

test('src/cv/i420-wasm.ts matches src/cv/i420.wat (run bun scripts/build-wasm.ts after editing the .wat)', async () => {
  const root = resolve(import.meta.dir, '../..');
  const want = wasmModuleSource(await compileWat(resolve(root, I420_MODULE.wat)), I420_MODULE.wat, 'build-wasm.ts');
  expect(await Bun.file(resolve(root, I420_MODULE.ts)).text()).toBe(want);
});
