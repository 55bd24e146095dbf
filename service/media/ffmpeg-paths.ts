// Where the ffmpeg binaries are, and the input options that confine them to local MP4/WebM files.
import ffmpeg from 'fluent-ffmpeg';

/** `FFMPEG_PATH` / `FFPROBE_PATH` override the Debian binaries (e.g. a static build in a container). */
export const FFMPEG_BIN = process.env.FFMPEG_PATH || '/usr/bin/ffmpeg';
export const FFPROBE_BIN = process.env.FFPROBE_PATH || '/usr/bin/ffprobe';

// Setting the paths spares fluent-ffmpeg a `which` lookup per process.
ffmpeg.setFfmpegPath(FFMPEG_BIN);
ffmpeg.setFfprobePath(FFPROBE_BIN);

/** Demuxers we allow: uploads are untrusted, and ffmpeg would otherwise follow playlists (HLS, concat) to the
 * network or to local files. */
export const DEMUXER_WHITELIST = 'mov,mp4,m4a,3gp,3g2,mj2,matroska,webm';

export const SAFE_INPUT_OPTIONS: readonly string[] = [
  '-protocol_whitelist',
  'file',
  '-format_whitelist',
  DEMUXER_WHITELIST,
];

/** Input options of a decode whose frame times come from showinfo: its lines are logged at level info. */
export const SHOWINFO_LOGGING: readonly string[] = ['-hide_banner', '-nostats', '-loglevel', 'info'];

/** Output options keeping only the first video stream. */
export const FIRST_VIDEO_ONLY: readonly string[] = ['-map', '0:v:0', '-an', '-sn', '-dn'];

/** The frame time (s) of a showinfo stderr line, or null for any other line. */
export function showinfoTime(line: string): number | null {
  const m = /Parsed_showinfo.*\bpts_time:\s*(-?[\d.]+)/.exec(line);
  return m ? Number(m[1]) : null;
}

/** `file:` prefix so that a path can never be read as an option or a URL. */
export function fileInput(absPath: string): string {
  return `file:${absPath}`;
}
