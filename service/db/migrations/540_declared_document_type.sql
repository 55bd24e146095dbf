-- The document type the applicant declared (the app's choice: passport, ID card, residence permit), or the
-- business service when it created the verification. The document engine takes it as a prior (a passport
-- photo without an MRZ is unreadable, not a missing back side), never as an override of what it reads.
ALTER TABLE cases ADD COLUMN declared_document_type text
  CHECK (declared_document_type IN ('ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT'));
