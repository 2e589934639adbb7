/**
 * The audio an OpenAI-compatible transcription API takes: what the orchestrator checks before
 * it passes an upload on, and what the transcription service checks when it receives one.
 */

/** By file extension, the hint such servers go by (OpenAI's list, and `oga` for Ogg audio). */
export const TRANSCRIBABLE_EXTENSIONS = [
  'flac',
  'mp3',
  'mp4',
  'mpeg',
  'mpga',
  'm4a',
  'ogg',
  'oga',
  'wav',
  'webm',
] as const;

/** How many bytes of a file `sniffAudioFormat` needs. */
export const AUDIO_SIGNATURE_BYTES = 12;

/** The first bytes of each format's files (an offset, then the bytes expected there). */
const SIGNATURES: { format: string; test: (head: Uint8Array) => boolean }[] = [
  { format: 'wav', test: (head) => ascii(head, 0, 'RIFF') && ascii(head, 8, 'WAVE') },
  { format: 'flac', test: (head) => ascii(head, 0, 'fLaC') },
  { format: 'ogg', test: (head) => ascii(head, 0, 'OggS') },
  { format: 'mp3', test: (head) => ascii(head, 0, 'ID3') || (head[0] === 0xff && (head[1] & 0xe0) === 0xe0) },
  { format: 'mp4', test: (head) => ascii(head, 4, 'ftyp') },
  { format: 'webm', test: (head) => [0x1a, 0x45, 0xdf, 0xa3].every((byte, i) => head[i] === byte) },
  {
    format: 'mpeg',
    test: (head) => head[0] === 0 && head[1] === 0 && head[2] === 1 && (head[3] & 0xf0) === 0xb0,
  },
];

function ascii(head: Uint8Array, offset: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (head[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** The format the first bytes of a file say it is, when they are those of an audio format. */
export function sniffAudioFormat(head: Uint8Array): string | undefined {
  return SIGNATURES.find(({ test }) => test(head))?.format;
}

export interface AudioFileHead {
  filename: string;
  mimeType: string;
  /** The file's first bytes (`AUDIO_SIGNATURE_BYTES` of them, fewer for a shorter file). */
  head: Uint8Array;
}

/**
 * Why a file is not audio the transcription API takes, or undefined when it is. Every format it
 * takes begins with bytes of its own, so the bytes decide, whatever the file is called or
 * declared to be: text named `a.wav` is refused, a WAV named `recording.bin` taken.
 */
export function whyNotTranscribable({ filename, mimeType, head }: AudioFileHead): string | undefined {
  if (sniffAudioFormat(head)) return undefined;
  return (
    `${filename || 'The file'} (${mimeType || 'no type'}) is not audio the transcription service takes: ` +
    `send ${TRANSCRIBABLE_EXTENSIONS.join(', ')}`
  );
}
