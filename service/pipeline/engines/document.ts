// Adapter to the document (MRZ) engine: images in, the stored DocumentStageResult (the policy's signals plus
// details for reviewers) out. The engine is imported statically: its own types are the contract.
import type { RgbImage } from '../../media/types.js';
import { createDocumentEngine, type DocumentAnalysis, type DocumentEngine } from '../../document/index.js';
import type { DocumentStageResult } from '../../contracts/stage-results.js';

export interface DocumentSettings {
  allowedTypes: string[];
  minimumAge: number;
}

let engine: Promise<DocumentEngine> | undefined;

/** The engine of this process, its models loaded once (a failed load is retried on the next call). */
function getEngine(): Promise<DocumentEngine> {
  engine ??= createDocumentEngine().catch((e: unknown) => {
    engine = undefined;
    throw e;
  });
  return engine;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length ? v : undefined);

/** yyyy-mm-dd from the engine's date (ISO string or Date); undefined when not a full date. */
function isoDate(v: unknown): string | undefined {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  const s = str(v);
  return s && /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : undefined;
}

export type PhotoSide = 'front' | 'back';

/** What the applicant declared about the photos: the side each shows, and the document type when known. */
export interface DocumentDeclared {
  /** The side of each image, same order (the pipeline's uploads: front, then back when given). */
  sides?: PhotoSide[];
  /** ID_CARD, PASSPORT or RESIDENCE_PERMIT: a passport photo without an MRZ is unreadable, not a missing side. */
  documentType?: string;
}

/** The stored result of an analysis (pure; the status is the engine's own, 'read' or 'unreadable'). */
export function documentStageResult(r: DocumentAnalysis, sides: PhotoSide[] = []): DocumentStageResult {
  const fields: Record<string, unknown> = { ...(r.fields ?? {}) };
  const findings = r.findings.map((f) => ({ ...f }));
  const hasIdentity = !!(str(fields.lastName) || str(fields.firstNames));
  const view = r.mrzView;
  return {
    signals: {
      findings: [...new Set(findings.map((f) => f.code))],
      ...(hasIdentity
        ? {
            identity: {
              lastName: str(fields.lastName),
              firstNames: str(fields.firstNames),
              birthDate: isoDate(fields.birthDate),
            },
          }
        : {}),
    },
    status: r.status,
    documentType: r.fields?.documentType ?? null,
    fields,
    findings,
    mrz: {
      stage: r.stage,
      photo: view ? (sides[view.image] ?? null) : null,
      ...(view ? { width: view.width, height: view.height } : {}),
      lines: view?.lines ?? [],
      repairs: r.repairs.map((x) => ({ ...x })),
      ...(r.sidesSwapped ? { sidesSwapped: true } : {}),
    },
  };
}

export async function readDocument(
  images: RgbImage[],
  today: Date,
  s: DocumentSettings,
  declared: DocumentDeclared = {},
): Promise<DocumentStageResult> {
  const e = await getEngine();
  const r = await e.read({
    images,
    today,
    allowedTypes: s.allowedTypes,
    minimumAge: s.minimumAge,
    ...(declared.sides ? { sides: declared.sides } : {}),
    ...(declared.documentType ? { documentType: declared.documentType } : {}),
  });
  return documentStageResult(r, declared.sides);
}
