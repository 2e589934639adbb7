import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * PocketSphinx hears espeak-ng's synthetic voice poorly, and what it hears changes with the
 * slightest change to the audio. Of some thirty phrases tried, "i want to go home" was the one
 * whose "want" and "go" came through in every format (wav, mp3, ogg, flac, m4a, webm): it comes
 * out as "i want to go go", "i want to go on" or "i want to go to ah". Tests assert on those two
 * words only.
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
