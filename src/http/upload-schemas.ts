/** The OpenAPI models of uploads (merged into schemas.ts's MODELS), and the bodies the upload routes take. */
import { t, type TSchema } from 'elysia';
import { int, iso, items, nullable } from './schema-kinds.ts';

const status = t.Union([t.Literal('open'), t.Literal('completed'), t.Literal('aborted'), t.Literal('expired')]);

export const Upload = t.Object(
  {
    id: t.String(),
    key: t.String({ description: 'the object key it becomes in the input store' }),
    filename: t.String(),
    folder: t.String(),
    size: int({ description: 'bytes' }),
    contentType: t.String(),
    partSize: int({ description: 'bytes of every part but the last' }),
    partCount: int(),
    status,
    mode: t.Union([t.Literal('direct'), t.Literal('relay')], { description: 'direct: parts go to the bucket; relay: through this server to its folder' }),
    createdBy: t.String({ description: 'user id' }),
    createdAt: iso(),
    expiresAt: iso(),
    assetId: nullable(t.String()),
  },
  { description: 'A multipart upload' },
);

const PartSlot = t.Object(
  {
    number: int({ minimum: 1 }),
    size: int({ description: 'exactly this many bytes go in the PUT' }),
    url: t.String({
      description: 'PUT the bytes here (relay URLs are paths on this server unless MPR_PUBLIC_URL is set); the answer’s ETag header is the etag',
    }),
  },
  { description: 'A part to send' },
);

const ReceivedPart = t.Object({ number: int(), etag: t.String(), size: int() }, { description: 'A part the store holds' });

export const CreatedUpload = t.Composite([Upload, t.Object({ parts: t.Array(PartSlot) })], { description: 'A new upload and a URL for every part' });

export const UploadProgress = t.Composite([Upload, t.Object({ received: t.Array(ReceivedPart), missing: t.Array(PartSlot) })], {
  description: 'The parts received, and fresh URLs for the rest (while open)',
});

export const UploadList = items(Upload, 'uploads');

export const CompletedUpload = t.Object(
  {
    uploadId: t.String(),
    assetId: t.String(),
    key: t.String(),
    status: t.String({ description: "the probe's verdict: ready or invalid" }),
    reason: nullable(t.String()),
  },
  { description: 'The asset the upload became' },
);

export const PartReceipt = ReceivedPart;

export const UPLOAD_MODELS = { Upload, CreatedUpload, UploadProgress, UploadList, CompletedUpload, PartReceipt } as const satisfies Record<string, TSchema>;

export const CreateUploadBody = t.Object(
  {
    filename: t.String({ minLength: 1, maxLength: 255 }),
    size: int({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    contentType: t.String({ minLength: 3, maxLength: 200 }),
    folder: t.Optional(t.String({ maxLength: 900 })),
  },
  { additionalProperties: false },
);

export const CompleteUploadBody = t.Object(
  {
    parts: t.Array(
      t.Object({ number: int({ minimum: 1, maximum: 10_000 }), etag: t.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      {
        minItems: 1,
        maxItems: 10_000,
      },
    ),
  },
  { additionalProperties: false },
);
