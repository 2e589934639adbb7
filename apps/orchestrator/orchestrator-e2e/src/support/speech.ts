import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The phrase spoken by espeak-ng and the words PocketSphinx reliably hears in it. Its general
 * English model is poor with espeak's synthetic voice, and the transcription service decodes each
 * utterance whole, which hears real recordings better and this voice differently: "the world is a
 * beautiful place" comes out as "the world it's a cubicle play", "i want to go home" as "i want to
 * go". This phrase comes out as "well wonderful world" through the service's ffmpeg conversion;
 * "wonderful" and "world" are the words asserted, and "wonderful" is the keyword ("world" is an
 * English stop word) that makes the transcript positive.
 */
export const SPOKEN_PHRASE = 'what a wonderful world';
export const HEARD_WORDS = ['wonderful', 'world'];
export const HEARD_KEYWORD = 'wonderful';

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

/**
 * `POST /customers/:customer_id/voice-feedback` of config/domains/customers.yaml with `speech`
 * as the customer's note, in English.
 */
export function postVoiceFeedback(
  orchestratorUrl: string,
  customerId: string,
  speech: Buffer,
  headers: Record<string, string> = {},
): Promise<Response> {
  const form = new FormData();
  // The language must come before the file, which is passed on while it arrives.
  form.append('language', 'en');
  form.append('file', new Blob([speech], { type: 'audio/wav' }), 'speech.wav');
  return fetch(`${orchestratorUrl}/customers/${customerId}/voice-feedback`, {
    method: 'POST',
    body: form,
    headers,
  });
}
