import { describe, expect, test } from 'bun:test';
import type { AssetEvent } from '../events/asset.ts';
import { assetDecider } from './asset.ts';
import { given } from './decider.ts';

const at = '2026-01-01T00:00:00.000Z';
const verdict = { kind: 'audio', status: 'ready', reason: null, videoStream: null, audioStream: 0 } as const;
const facts = { size: 10, modifiedAt: at, kind: 'audio', status: 'ready', reason: null, probe: null, verdict } as const;
const registered: AssetEvent = { type: 'AssetRegistered', data: { assetId: 'a1', key: 'a.mp3', ...facts, at } };
const missing: AssetEvent = { type: 'AssetMarkedMissing', data: { at } };

describe('asset decider: missing files', () => {
  test('a registered asset is marked missing once', () => {
    expect(given(assetDecider, [registered]).when({ type: 'MarkAssetMissing', data: { at } }).events).toEqual([missing]);
    expect(given(assetDecider, [registered, missing]).when({ type: 'MarkAssetMissing', data: { at } }).events).toEqual([]);
  });

  test('found again only when missing; a deleted or unknown asset is neither', () => {
    expect(given(assetDecider, [registered, missing]).when({ type: 'MarkAssetFound', data: { at } }).events).toEqual([{ type: 'AssetFound', data: { at } }]);
    expect(given(assetDecider, [registered]).when({ type: 'MarkAssetFound', data: { at } }).events).toEqual([]);
    const deleted: AssetEvent = { type: 'AssetDeleted', data: { deleteOutputs: false, at } };
    expect(given(assetDecider, [registered, deleted]).when({ type: 'MarkAssetMissing', data: { at } }).events).toEqual([]);
    expect(given(assetDecider, []).when({ type: 'MarkAssetMissing', data: { at } }).events).toEqual([]);
  });

  test('a re-probe ends the missing mark', () => {
    const probed: AssetEvent = { type: 'AssetProbed', data: { ...facts, at } };
    expect(given(assetDecider, [registered, missing, probed]).when({ type: 'MarkAssetFound', data: { at } }).events).toEqual([]);
    expect(given(assetDecider, [registered, missing, probed]).when({ type: 'MarkAssetMissing', data: { at } }).events).toEqual([missing]);
  });
});

describe('asset decider: outputs deleted after the asset', () => {
  const record = { type: 'RecordOutputsDeleted', data: { jobs: 2, objects: 7, at } } as const;
  const outputsDeleted: AssetEvent = { type: 'AssetOutputsDeleted', data: { jobs: 2, objects: 7, at } };
  const deletedWithOutputs: AssetEvent = { type: 'AssetDeleted', data: { deleteOutputs: true, at } };

  test('recorded once after a deletion that asked for the outputs; a repeat decides nothing', () => {
    expect(given(assetDecider, [registered, deletedWithOutputs]).when(record).events).toEqual([outputsDeleted]);
    expect(given(assetDecider, [registered, deletedWithOutputs, outputsDeleted]).when(record).events).toEqual([]);
  });

  test('nothing to record without deleteOutputs, before any deletion, or for an unknown asset', () => {
    const deleted: AssetEvent = { type: 'AssetDeleted', data: { deleteOutputs: false, at } };
    expect(given(assetDecider, [registered, deleted]).when(record).events).toEqual([]);
    expect(given(assetDecider, [registered]).when(record).events).toEqual([]);
    expect(given(assetDecider, []).when(record).events).toEqual([]);
  });

  test('still owed when the key is registered again before the outputs went', () => {
    const { state } = given(assetDecider, [registered, deletedWithOutputs, registered]);
    expect(state).toMatchObject({ status: 'active', outputsPending: true });
    expect(given(assetDecider, [registered, deletedWithOutputs, registered]).when(record).events).toEqual([outputsDeleted]);
    // Two deletions recorded by one pass: the second record finds nothing owed.
    const twice = [registered, deletedWithOutputs, registered, deletedWithOutputs, outputsDeleted];
    expect(given(assetDecider, twice).when(record).events).toEqual([]);
  });
});
