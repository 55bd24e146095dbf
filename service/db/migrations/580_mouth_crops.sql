-- Mouth crops at each spoken digit (issue #24 item 3, numbering 580-589): the lip-sync step cuts a few small
-- pictures of the mouth inside each digit's time from the frames it decodes, and the speech stage stores them as
-- one encrypted JPEG sheet per attempt (media kind `mouth_crops`), purged and erased with the other media.
ALTER TABLE media DROP CONSTRAINT IF EXISTS media_kind_check;
ALTER TABLE media ADD CONSTRAINT media_kind_check
  CHECK (kind IN ('front','back','video','portrait','live_frame','card_frame','video_review','mouth_crops'));
