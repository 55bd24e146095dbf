// Camera access: the rear camera at the highest resolution offered (documents), or the front camera with the
// microphone in one call (video). Failures are classified so that each gets its own way out.

export type CameraFailure = 'denied' | 'no_camera' | 'unsupported' | 'busy' | 'insecure';

export class CameraError extends Error {
  constructor(readonly kind: CameraFailure) {
    super(kind);
    this.name = 'CameraError';
  }
}

function classify(e: unknown): CameraFailure {
  const name = (e as { name?: string })?.name ?? '';
  if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError')
    return 'denied';
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError')
    return 'no_camera';
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return 'busy';
  return 'unsupported';
}

async function open(constraints: MediaStreamConstraints): Promise<MediaStream> {
  if (!window.isSecureContext) throw new CameraError('insecure');
  if (!navigator.mediaDevices?.getUserMedia) throw new CameraError('unsupported');
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (e) {
    throw new CameraError(classify(e));
  }
}

/** Rear camera, as many pixels as it gives (ideal 4K: the browser picks the closest it supports). */
export function openDocumentCamera(): Promise<MediaStream> {
  return open({
    audio: false,
    video: { facingMode: { ideal: 'environment' }, width: { ideal: 3840 }, height: { ideal: 2160 } },
  });
}

/** Front camera and microphone in one request (one permission prompt on most browsers). */
export function openSelfieCamera(): Promise<MediaStream> {
  return open({
    audio: { echoCancellation: true, noiseSuppression: false, autoGainControl: true },
    video: {
      facingMode: { ideal: 'user' },
      width: { ideal: 1280 },
      height: { ideal: 720 },
      frameRate: { ideal: 30 },
    },
  });
}

export function stopStream(s: MediaStream | undefined): void {
  s?.getTracks().forEach((t) => t.stop());
}

/** Facts about the capture for reviewers (never personal data): camera label, resolution, frame rate. */
export function trackFacts(s: MediaStream): {
  cameraLabel: string;
  width?: number;
  height?: number;
  frameRate?: number;
} {
  const v = s.getVideoTracks()[0];
  const st = v?.getSettings() ?? {};
  return { cameraLabel: v?.label ?? '', width: st.width, height: st.height, frameRate: st.frameRate };
}
