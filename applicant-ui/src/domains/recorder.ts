// Which container the MediaRecorder writes. Safari's WebM recording is unreliable (and absent before 18.4), so
// there MP4 (H.264 + AAC) comes first; everywhere else WebM (VP9 or VP8 + Opus), then MP4 as a fallback.

export const MP4_TYPES = [
  'video/mp4;codecs=avc1.42E01E,mp4a.40.2',
  'video/mp4;codecs=avc1,mp4a',
  'video/mp4',
];
export const WEBM_TYPES = ['video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm'];

export function isSafari(ua: string): boolean {
  return /Safari\//.test(ua) && !/Chrome\/|Chromium\/|CriOS\/|FxiOS\/|EdgiOS\/|Android/.test(ua);
}

/** The first supported type in the preferred order, or undefined (the browser cannot record). */
export function chooseRecorderType(isTypeSupported: (t: string) => boolean, ua: string): string | undefined {
  const order = isSafari(ua) ? [...MP4_TYPES, ...WEBM_TYPES] : [...WEBM_TYPES, ...MP4_TYPES];
  return order.find((t) => {
    try {
      return isTypeSupported(t);
    } catch {
      return false;
    }
  });
}

export function extensionOf(mime: string): 'mp4' | 'webm' {
  return mime.startsWith('video/mp4') ? 'mp4' : 'webm';
}

/** Recording length: 8–12 s asked; the app records 10 s. */
export const RECORD_MS = 10_000;
