/** The OpenAPI models of brand airing history: which detect jobs saw which brands (merged into schemas.ts's MODELS). */
import { t, type TSchema } from 'elysia';
import { int, iso, items, nullable } from './schema-kinds.ts';

export const AiredBrand = t.Object(
  {
    brand: t.String({ description: 'the name, as the latest job that saw it spells it' }),
    jobs: int({ minimum: 1, description: 'completed detect jobs that saw it' }),
    exposureSeconds: t.Number({ description: 'over all those jobs' }),
    firstSeenAt: iso('when the first job that saw it completed'),
    lastSeenAt: iso('when the latest job that saw it completed'),
  },
  { description: 'A brand seen in any completed detect job' },
);

export const AiredBrandList = items(AiredBrand, 'brands seen');

export const BrandAiring = t.Object(
  {
    jobId: t.String(),
    timelineId: t.String(),
    brandListId: t.String(),
    profile: t.String(),
    parent: nullable(t.String({ description: 'the job this one replays' })),
    completedAt: iso(),
    brand: t.String({ description: "the name, as this job's brand list spells it" }),
    exposureSeconds: t.Number(),
    appearances: int({ minimum: 0, description: 'continuous exposures' }),
    shareOfVoice: t.Number({ minimum: 0, maximum: 1, description: "its exposure ÷ every brand's, in this job" }),
    firstSeen: t.Number({ description: 'seconds from the start of the timeline' }),
    lastSeen: t.Number({ description: 'seconds from the start of the timeline' }),
  },
  { description: "One completed detect job that saw a brand, with that brand's figures in it" },
);

export const BrandAiringList = items(BrandAiring, 'jobs that saw the brand');

export const DETECT_AIRING_MODELS = {
  AiredBrand,
  AiredBrandList,
  BrandAiring,
  BrandAiringList,
} as const satisfies Record<string, TSchema>;
