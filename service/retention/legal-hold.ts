// Legal hold: an admin freezes a case (litigation, investigation); no purge and no erasure touches it until lifted.
import type { Db } from '../db/index.js';
import { appendAudit, type ActorType } from '../audit/audit-repository.js';
import { setLegalHold } from './retention-repository.js';

export async function changeLegalHold(
  db: Db,
  input: { caseId: string; hold: boolean; reason?: string; actorType: ActorType; actorId: string },
): Promise<boolean> {
  return db.tx(async (q) => {
    const found = await setLegalHold(q, input.caseId, input.hold, input.reason?.slice(0, 500) ?? null);
    if (!found) return false;
    await appendAudit(q, {
      actorType: input.actorType,
      actorId: input.actorId,
      action: input.hold ? 'case.legal_hold.set' : 'case.legal_hold.lifted',
      caseId: input.caseId,
      // The reason's text stays on the case row: free text may name people.
      details: { withReason: Boolean(input.reason) },
    });
    return true;
  });
}
