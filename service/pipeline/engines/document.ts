// Adapter to the document (MRZ) engine: images in, the policy's DocumentSignals plus details for reviewers out.
import type { RgbImage } from '../../media/types.js';
import type { DocumentSignals } from '../../decision/index.js';
import { loadEngineModule, requireFn } from './load-engine.js';

export interface DocumentSettings {
  allowedTypes: string[];
  minimumAge: number;
}

export interface DocumentStageResult {
  signals: DocumentSignals;
  status: string;
  documentType: string | null;
  /** Parsed MRZ fields (personal data: stays in the database, never logged). */
  fields: Record<string, unknown>;
  findings: Array<{ code: string; [k: string]: unknown }>;
}

interface Engine {
  read(input: {
    images: RgbImage[];
    today: Date | string;
    allowedTypes: string[];
    minimumAge: number;
  }): Promise<{
    status: string;
    fields?: Record<string, unknown> | null;
    findings?: Array<{ code: string; [k: string]: unknown }>;
  }>;
}

let engine: Promise<Engine> | undefined;

function getEngine(): Promise<Engine> {
  engine ??= (async () => {
    const m = await loadEngineModule<Record<string, unknown>>('document', '../../document/index.js');
    const create = requireFn<() => Engine | Promise<Engine>>(m, 'document', 'createDocumentEngine');
    return create();
  })().catch((e: unknown) => {
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

export async function readDocument(
  images: RgbImage[],
  today: Date,
  s: DocumentSettings,
): Promise<DocumentStageResult> {
  const e = await getEngine();
  const r = await e.read({ images, today, allowedTypes: s.allowedTypes, minimumAge: s.minimumAge });
  const fields = r.fields ?? {};
  const findings = r.findings ?? [];
  const hasIdentity = !!(str(fields.lastName) || str(fields.firstNames));
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
    documentType: str(fields.documentType) ?? null,
    fields,
    findings,
  };
}
