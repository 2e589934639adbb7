import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The phrase spoken by espeak-ng and the words PocketSphinx reliably hears in it. Its general
 * English model is poor with espeak's synthetic voice: "hello world" comes out as "the ah world",
 * "welcome to the world" as "welcome to the world" or "well that will" depending on how the audio
 * is resampled. This phrase comes out as "the world is a beautiful to you" through the service's
 * ffmpeg conversion (and through raw PCM or soxr resampling alike); "world" and "beautiful" are
 * the words asserted.
 */
export const SPOKEN_PHRASE = 'the world is a beautiful place';
export const HEARD_WORDS = ['world', 'beautiful'];

/** A WAV file of `phrase` spoken in American English by espeak-ng (22.05 kHz mono). */
export async function speak(phrase: string): Promise<Buffer> {
  const directory = await mkdtemp(join(tmpdir(), 'speech-'));
  try {
    const file = join(directory, 'speech.wav');
    await promisify(execFile)('espeak-ng', ['-v', 'en-us', '-s', '130', '-w', file, phrase]).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        throw new Error(
          'espeak-ng is not installed, and the audio tests speak with it: apt-get install -y espeak-ng',
        );
      },
    );
    return await readFile(file);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
