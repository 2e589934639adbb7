import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Debian's pocketsphinx-testdata: real recordings (16 kHz mono), most with a transcript. */
export const TESTDATA = '/usr/share/pocketsphinx/test/data';
/** A 7 s sentence of a LibriVox reading: several seconds of decoding. */
export const LONG_RECORDING = join(TESTDATA, 'librivox', 'sense_and_sensibility_01_austen_64kb-0870.wav');
/**
 * What goforward.raw says (its grammar, goforward.gram, spells it out), and what the decoder
 * hears in it, word for word, in every format the tests convert it to.
 */
export const RECORDED_PHRASE = 'go forward ten meters';
/** How sox reads goforward.raw: headerless 16 kHz mono 16-bit PCM. */
const RAW_PCM = ['-t', 'raw', '-r', '16000', '-e', 'signed', '-b', '16', '-c', '1'];

/**
 * PocketSphinx hears espeak-ng's synthetic voice poorly, and what it hears changes with the
 * slightest change to the audio. "i want to go home", converted from espeak-ng's 22.05 kHz WAV,
 * comes out as "i want to go"; tests assert on "want" and "go" only, and use the recording of
 * pocketsphinx-testdata wherever the words themselves matter.
 */
export const RELIABLE_PHRASE = 'i want to go home';
export const RELIABLE_WORDS = ['want', 'go'];

/**
 * Speaks `text` with espeak-ng into `<dir>/<name>.wav` and, for another extension, converts it
 * with ffmpeg. `text` may be SSML (e.g. `<break time="1s"/>` for a pause).
 */
export async function speak(dir: string, name: string, text: string): Promise<string> {
  const wav = join(dir, `${name.replace(/\.[^.]+$/, '')}.wav`);
  await execFileAsync('espeak-ng', ['-v', 'en-us', '-s', '130', '-m', '-w', wav, text]);
  if (name.endsWith('.wav')) return wav;
  const converted = join(dir, name);
  await execFileAsync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-i', wav, converted]);
  return converted;
}

/**
 * goforward.raw as `<dir>/<name>`: a WAV as the decoder reads it (16 kHz mono, a 44-byte
 * header), or for another extension converted from that by ffmpeg.
 */
export async function recording(dir: string, name: string): Promise<string> {
  const wav = join(dir, `${name.replace(/\.[^.]+$/, '')}.wav`);
  await execFileAsync('sox', [...RAW_PCM, join(TESTDATA, 'goforward.raw'), wav]);
  if (name.endsWith('.wav')) return wav;
  const converted = join(dir, name);
  await execFileAsync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-i', wav, converted]);
  return converted;
}

/**
 * goforward.raw, `pauseSeconds` of silence, then `then` (a 16 kHz mono WAV; goforward.raw again
 * by default), as `<dir>/<name>` (a WAV).
 */
export async function recordingWithPause(
  dir: string,
  name: string,
  pauseSeconds: number,
  then?: string,
): Promise<string> {
  const raw = join(TESTDATA, 'goforward.raw');
  const output = join(dir, name);
  // sox's pad effect applies to its output: the pause goes after the first recording.
  const first = join(dir, `first-${name}`);
  await execFileAsync('sox', [...RAW_PCM, raw, first, 'pad', '0', String(pauseSeconds)]);
  await execFileAsync('sox', [first, ...(then ? [then] : [...RAW_PCM, raw]), output]);
  return output;
}
