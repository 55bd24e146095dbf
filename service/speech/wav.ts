// Minimal PCM WAV reading/writing and resampling (16-bit mono), enough for manifests, tests and the eval CLI.
import type { PcmAudio } from '../media/types.js';

export class WavFormatError extends Error {
  override name = 'WavFormatError';
}

/** Parse a RIFF/WAVE file with 16-bit PCM (any channel count; channels are averaged to mono). */
export function parseWav(buf: Buffer): PcmAudio {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new WavFormatError('not a RIFF/WAVE file');
  }
  let off = 12;
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      fmt = {
        format: buf.readUInt16LE(body),
        channels: buf.readUInt16LE(body + 2),
        rate: buf.readUInt32LE(body + 4),
        bits: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt) throw new WavFormatError('data chunk before fmt chunk');
      // 0xFFFE = WAVE_FORMAT_EXTENSIBLE (ffmpeg writes it for some layouts); the sub-format is PCM in our use.
      if ((fmt.format !== 1 && fmt.format !== 0xfffe) || fmt.bits !== 16) {
        throw new WavFormatError(`unsupported WAV format ${fmt.format}/${fmt.bits} bits`);
      }
      const end = Math.min(buf.length, body + (size === 0xffffffff ? buf.length : size));
      const frames = Math.floor((end - body) / (2 * fmt.channels));
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) {
        let acc = 0;
        for (let c = 0; c < fmt.channels; c++) acc += buf.readInt16LE(body + 2 * (i * fmt.channels + c));
        samples[i] = Math.round(acc / fmt.channels);
      }
      return { sampleRate: fmt.rate, samples };
    }
    off = body + size + (size % 2);
  }
  throw new WavFormatError('no data chunk');
}

export function encodeWav(audio: PcmAudio): Buffer {
  const n = audio.samples.length;
  const buf = Buffer.alloc(44 + 2 * n);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + 2 * n, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(audio.sampleRate, 24);
  buf.writeUInt32LE(audio.sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(2 * n, 40);
  for (let i = 0; i < n; i++) buf.writeInt16LE(audio.samples[i]!, 44 + 2 * i);
  return buf;
}

/**
 * Resample with a windowed-sinc interpolator (Hann window, 16 zero crossings), low-passed at the lower Nyquist
 * frequency, so that 8 kHz telephone-style takes and 22.05 kHz synthetic speech both map cleanly to 16 kHz.
 */
export function resample(audio: PcmAudio, targetRate: number): PcmAudio {
  const { sampleRate: from, samples } = audio;
  if (from === targetRate) return audio;
  const ratio = targetRate / from;
  const cutoff = Math.min(1, ratio); // relative to the input Nyquist
  const half = 16;
  const width = Math.ceil(half / cutoff);
  const outLen = Math.floor(samples.length * ratio);
  const out = new Int16Array(outLen);
  for (let j = 0; j < outLen; j++) {
    const t = j / ratio;
    const center = Math.floor(t);
    let acc = 0;
    let norm = 0;
    for (let k = center - width + 1; k <= center + width; k++) {
      if (k < 0 || k >= samples.length) continue;
      const x = (t - k) * cutoff;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const w = 0.5 + 0.5 * Math.cos((Math.PI * (t - k)) / (width + 1));
      const h = sinc * w;
      acc += samples[k]! * h;
      norm += h;
    }
    const v = norm > 0 ? acc / norm : 0;
    out[j] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  return { sampleRate: targetRate, samples: out };
}
