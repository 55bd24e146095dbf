-- Reviewer console (issue #20, numbering 500-509). A video in a codec browsers do not all play (iPhone HEVC .mov)
-- gets a web rendition (H.264/AAC MP4) made at ingest, stored encrypted next to the original, which stays the
-- evidence. The console streams the rendition when there is one.
ALTER TABLE media DROP CONSTRAINT IF EXISTS media_kind_check;
ALTER TABLE media ADD CONSTRAINT media_kind_check
  CHECK (kind IN ('front','back','video','portrait','live_frame','card_frame','video_review'));
