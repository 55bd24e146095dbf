// The kinds of media a case keeps (browser-safe: the console names them too).
export type MediaKind =
  | 'front'
  | 'back'
  | 'video'
  | 'portrait'
  | 'live_frame'
  | 'card_frame'
  /** The web rendition of a video in a codec not every browser plays (made at ingest; the original stays). */
  | 'video_review'
  /** Mouth crops at each spoken digit (lip-sync step): one JPEG sheet, laid out by the speech result. */
  | 'mouth_crops';
