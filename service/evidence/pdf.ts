// The evidence file's PDF summary for people (pdfkit, standard fonts: nothing to embed or download).
// Rendered from the manifest only, so that what a person reads is what the signature covers.
import PDFDocument from 'pdfkit';
import type { EvidenceManifest, ManifestCheck } from './manifest.js';

const MARGIN = 48;
const GREY = '#555555';

function fmtTime(iso: string | null): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC') : '-';
}

function fmtScore(c: ManifestCheck): string {
  return c.score === null ? '' : c.score.toFixed(3);
}

function fmtValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  return Array.isArray(v) ? v.map(fmtValue).join(', ') : String(v);
}

/** Flags that are false, and empty values, are left out: the table shows what happened. */
function fmtDetails(d: Record<string, unknown>): string {
  return Object.entries(d)
    .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0) && v !== false)
    .map(([k, v]) => (v === true ? k : `${k}: ${fmtValue(v)}`))
    .join('; ');
}

export async function renderEvidencePdf(m: EvidenceManifest, keyId: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: `Evidence file ${m.case.reference}`,
      Subject: `Identity verification ${m.case.id}`,
      Producer: 'idv',
      Creator: 'idv evidence',
      CreationDate: new Date(m.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;

  const heading = (text: string) => {
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).fillColor('black').text(text);
    const y = doc.y + 2;
    doc
      .moveTo(MARGIN, y)
      .lineTo(MARGIN + width, y)
      .lineWidth(0.5)
      .strokeColor('#999999')
      .stroke();
    doc.moveDown(0.4);
  };
  const row = (label: string, value: string) => {
    doc.font('Helvetica-Bold').fontSize(9.5).fillColor(GREY).text(`${label}  `, { continued: true });
    doc.font('Helvetica').fillColor('black').text(value);
  };

  doc.font('Helvetica-Bold').fontSize(18).text('Evidence file - identity verification');
  doc
    .font('Helvetica')
    .fontSize(10)
    .fillColor(GREY)
    .text("Dossier de preuve de vérification d'identité à distance");
  doc.moveDown(0.6);

  const outcome = (m.case.outcome ?? m.case.status).toUpperCase();
  const colour =
    m.case.status === 'approved' ? '#1b7f3b' : m.case.status === 'rejected' ? '#b3261e' : '#8a5a00';
  doc.font('Helvetica-Bold').fontSize(14).fillColor(colour).text(`Outcome: ${outcome}`);
  doc.fillColor('black').moveDown(0.3);
  row('Verification', m.case.id);
  row('Reference', m.case.reference);
  row('Status', m.case.status);
  row('Reasons', m.case.reasons.length ? m.case.reasons.join(', ') : 'none');
  row('Policy version', m.policyVersion ?? '-');
  row('Created', fmtTime(m.case.createdAt));
  row('Submitted', fmtTime(m.case.submittedAt));
  row('Decided', fmtTime(m.case.decidedAt));
  row('Attempts', String(m.case.attempts));

  heading('Decisions');
  for (const d of m.decisions) {
    const who = d.reviewerId ? `reviewer ${d.reviewerId}` : d.source;
    doc
      .font('Helvetica')
      .fontSize(9.5)
      .text(
        `${fmtTime(d.at)}  attempt ${d.attempt}  ${d.outcome.toUpperCase()} by ${who}` +
          `${d.reasons.length ? ` - ${d.reasons.join(', ')}` : ''}${d.policyVersion ? ` (policy ${d.policyVersion})` : ''}` +
          `${d.withNote ? ' - note on file' : ''}`,
      );
  }

  for (const a of m.attempts) {
    heading(`Attempt ${a.attempt}: checks`);
    if (a.challenge)
      row(
        'Spoken challenge',
        `${a.challenge.digits} (${a.challenge.lang}), issued ${fmtTime(a.challenge.issuedAt)}, used ${fmtTime(a.challenge.usedAt)}`,
      );
    if (a.transcript) {
      row('Digits the verdict rests on', a.transcript.restsOn ? `"${a.transcript.restsOn}"` : 'none');
      row(
        'Located in the audio',
        a.transcript.segments
          .map(
            (s) =>
              `${s.digit} at ${s.startSec.toFixed(2)}-${s.endSec.toFixed(2)} s${s.score === null ? '' : ` (score ${s.score.toFixed(2)})`}`,
          )
          .join(', ') || 'none',
      );
      row('Free decode', a.transcript.recognised ? `"${a.transcript.recognised}"` : 'nothing');
    }
    doc.moveDown(0.3);
    const cols = [MARGIN, MARGIN + 70, MARGIN + 130, MARGIN + 210, MARGIN + 260];
    doc.font('Helvetica-Bold').fontSize(9).fillColor(GREY);
    const headY = doc.y;
    ['check', 'status', 'result', 'score', 'details'].forEach((h, i) => doc.text(h, cols[i]!, headY));
    doc.fillColor('black').font('Helvetica');
    const detailsWidth = MARGIN + width - cols[4]!;
    for (const c of a.checks) {
      // Every cell at the same y; the row is as tall as its tallest cell (the details may wrap).
      const y = doc.y + 3;
      const details = fmtDetails(c.details) || '-';
      const h = Math.max(doc.heightOfString('X'), doc.heightOfString(details, { width: detailsWidth }));
      doc.text(c.stage, cols[0]!, y);
      doc.text(c.status, cols[1]!, y);
      doc.text(c.result ?? '-', cols[2]!, y);
      doc.text(fmtScore(c) || '-', cols[3]!, y);
      doc.text(details, cols[4]!, y, { width: detailsWidth });
      doc.y = y + h;
    }
    doc.x = MARGIN;
    if (a.media.length) {
      doc
        .moveDown(0.5)
        .font('Helvetica-Bold')
        .fontSize(9)
        .fillColor(GREY)
        .text('Media (sha256 of the bytes received)');
      doc.fillColor('black');
      for (const md of a.media)
        doc
          .font('Courier')
          .fontSize(7.5)
          .text(`${md.kind.padEnd(10)} ${md.sha256}  ${md.mime}, ${md.sizeBytes} bytes`);
    }
  }

  heading('Audit trail of the case (hash-chained)');
  for (const e of m.audit) {
    doc
      .font('Helvetica')
      .fontSize(8.5)
      .text(
        `#${e.seq}  ${fmtTime(e.createdAt)}  ${e.action}  ${e.actorType}${e.actorId ? ` ${e.actorId}` : ''}`,
      );
    doc.font('Courier').fontSize(7).fillColor(GREY).text(`    hash ${e.hash}`).fillColor('black');
  }

  heading('How to check this file');
  doc
    .font('Helvetica')
    .fontSize(9)
    .text(
      `This PDF is part of a signed evidence file (JSON). Its sha256, the manifest's sha256 and the signature ` +
        `(Ed25519, key id ${keyId}) are in that file. Check it offline with the published public keys: ` +
        `idv evidence verify <file> --keys idv-evidence-keys.json (keys at /.well-known/idv-evidence-keys.json). ` +
        `Generated ${fmtTime(m.generatedAt)}; kept until ${fmtTime(m.retainUntil)}.`,
      { width },
    );

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing inside the bottom margin would otherwise start a new page.
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(7.5)
      .fillColor(GREY)
      .text(`${m.case.reference} - page ${i + 1} / ${range.count}`, MARGIN, doc.page.height - MARGIN + 16, {
        width,
        align: 'right',
        lineBreak: false,
      });
  }
  doc.end();
  return done;
}
