-- What the upload check measured of a video (streams, duration; no content), so that the pipeline does not
-- decrypt and probe the same bytes again.
ALTER TABLE media ADD COLUMN probe jsonb;
