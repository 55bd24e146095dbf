// What the device and browser are: in-app webviews (they often block the camera or lose the page), phone or
// computer (a computer gets the QR code of the same link), and which browser's help to show when a
// permission is refused.

export function inAppBrowser(ua: string): string | undefined {
  const known: Array<[RegExp, string]> = [
    [/Instagram/i, 'Instagram'],
    [/FBAN|FBAV|FB_IAB|FBIOS/i, 'Facebook'],
    [/\bLine\//i, 'LINE'],
    [/Twitter|TwitterAndroid/i, 'X'],
    [/LinkedInApp/i, 'LinkedIn'],
    [/Snapchat/i, 'Snapchat'],
    [/musical_ly|TikTok|BytedanceWebview/i, 'TikTok'],
    [/MicroMessenger/i, 'WeChat'],
    [/Pinterest/i, 'Pinterest'],
    [/GSA\//i, 'Google'],
  ];
  for (const [re, name] of known) if (re.test(ua)) return name;
  // Android WebView marks itself "; wv)".
  if (/Android.*; wv\)/.test(ua)) return 'WebView';
  return undefined;
}

export type BrowserFamily = 'ios-safari' | 'ios-other' | 'samsung' | 'firefox' | 'chrome' | 'other';

export function browserFamily(ua: string): BrowserFamily {
  if (/iPhone|iPad|iPod/.test(ua)) return /CriOS|FxiOS|EdgiOS/.test(ua) ? 'ios-other' : 'ios-safari';
  if (/SamsungBrowser/.test(ua)) return 'samsung';
  if (/Firefox\//.test(ua)) return 'firefox';
  if (/Chrome\/|Chromium\//.test(ua)) return 'chrome';
  return 'other';
}

/** A computer: no coarse pointer and no phone in the user agent. */
export function isDesktop(ua: string, coarsePointer: boolean): boolean {
  if (/Android|iPhone|iPad|iPod|Mobile/i.test(ua)) return false;
  return !coarsePointer;
}
