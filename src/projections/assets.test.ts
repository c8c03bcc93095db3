import { describe, expect, test } from 'bun:test';
import type { AssetEvent } from '../events/asset.ts';
import type { LoggedEvent } from '../events/index.ts';
import { foldAsset, type AssetView } from './assets.ts';

const at = '2026-01-01T00:00:00.000Z';
let position = 0;
const stored = (e: AssetEvent): LoggedEvent =>
  ({ stream: 'asset:a1', version: ++position, position, type: e.type, data: e.data, meta: { at, actor: 'scan' } }) as unknown as LoggedEvent;
const verdict = { kind: null, status: 'invalid', reason: 'the file is empty (0 bytes)', videoStream: null, audioStream: null } as const;

describe('assets projection: missing files', () => {
  test('missing shows as a status with a reason; found again restores what the probe said', () => {
    const reg = foldAsset(
      null,
      stored({
        type: 'AssetRegistered',
        data: { assetId: 'a1', key: 'a.mp4', size: 0, modifiedAt: at, kind: null, status: 'invalid', reason: verdict.reason, probe: null, verdict, at },
      }),
    ) as AssetView;
    const gone = foldAsset(reg, stored({ type: 'AssetMarkedMissing', data: { at: '2026-01-02T00:00:00.000Z' } })) as AssetView;
    expect(gone).toMatchObject({ status: 'missing', updated_at: '2026-01-02T00:00:00.000Z' });
    expect(gone.reason).toMatch(/^the file is no longer in the input store/);
    expect(foldAsset(gone, stored({ type: 'AssetFound', data: { at } }))).toMatchObject({ status: 'invalid', reason: 'the file is empty (0 bytes)' });
  });
});
