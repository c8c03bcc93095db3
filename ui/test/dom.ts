/**
 * Preload for the UI component tests (`bun run test:ui-dom`): a DOM from
 * happy-dom, and Solid's JSX compiled for the browser by babel-preset-solid
 * (Bun's own JSX transform targets React-style runtimes). Kept out of the
 * main `bun test` run: happy-dom replaces globals such as fetch and
 * Response, which the server tests use for real.
 */
import { GlobalRegistrator } from '@happy-dom/global-registrator';
import { transformAsync } from '@babel/core';
// @ts-expect-error: the presets ship no types
import solid from 'babel-preset-solid';
// @ts-expect-error: the presets ship no types
import ts from '@babel/preset-typescript';
// @ts-expect-error: the plugin ships no types
import jsx from '@babel/plugin-syntax-jsx';
import { plugin } from 'bun';
import { afterEach } from 'bun:test';
import { cleanup } from '@solidjs/testing-library';

GlobalRegistrator.register();
// The testing library's own cleanup hooks only the first test file of a run: every file's views are unmounted here.
afterEach(cleanup);
plugin({
  name: 'solid-jsx',
  setup(build) {
    build.onLoad({ filter: /\.tsx$/ }, async (args) => {
      const code = await Bun.file(args.path).text();
      const out = await transformAsync(code, {
        filename: args.path,
        presets: [
          [solid, { generate: 'dom' }],
          [ts, {}],
        ],
        // preset-typescript 8 no longer turns JSX on for .tsx by itself.
        // (Passed as an object: under --conditions browser, @babel/core cannot load plugins by name.)
        plugins: [jsx],
        babelrc: false,
        configFile: false,
      });
      return { contents: out!.code!, loader: 'js' };
    });
  },
});
