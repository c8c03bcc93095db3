#!/usr/bin/env bun
/**
 * Compiles src/cv/i420.wat (WebAssembly text) with wabt and writes the bytes
 * into src/cv/i420-wasm.ts as base64, so neither the server, its Workers
 * nor the compiled binary need a compiler or a file next to them.
 *
 *   bun scripts/build-wasm.ts    write src/cv/i420-wasm.ts (src/cv/i420-wasm.test.ts checks it matches)
 */
import { resolve } from 'node:path';
import { compileWat, I420_MODULE, wasmModuleSource } from './wasm-source.ts';

const root = resolve(import.meta.dir, '..');
const wat = resolve(root, I420_MODULE.wat);
const out = resolve(root, I420_MODULE.ts);
const want = wasmModuleSource(await compileWat(wat), I420_MODULE.wat, 'build-wasm.ts');
await Bun.write(out, want);
console.log(`wrote ${I420_MODULE.ts}`);
