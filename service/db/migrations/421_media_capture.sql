-- How the applicant app captured a medium (camera label, track resolution and frame rate, recorder MIME type,
-- duration, retakes, time from challenge to upload), for reviewers. No personal data.
ALTER TABLE media ADD COLUMN capture jsonb;
