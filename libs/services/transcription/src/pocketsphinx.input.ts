import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

/** What the decoder reads: 16 kHz mono 16-bit PCM after a 44-byte WAV header, which it skips. */
export const SAMPLE_RATE = 16000;
export const BYTES_PER_SECOND = SAMPLE_RATE * 2;
export const WAV_HEADER_BYTES = 44;
/** The decoder's frame rate (its `-frate`): ctl files and word timings count 10 ms frames. */
export const FRAMES_PER_SECOND = 100;
const SAMPLES_PER_FRAME = SAMPLE_RATE / FRAMES_PER_SECOND;
const FULL_SCALE_POWER = 32768 ** 2;

/**
 * Whether the file already is what the decoder reads, so that converting it would change
 * nothing: a canonical WAV header (PCM, mono, 16 kHz, 16-bit, `data` at byte 36) whose data
 * runs exactly to the end of the file, leaving no trailing chunk to be decoded as sound.
 */
export async function isDecoderInput(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const { buffer: header, bytesRead } = await file.read(
      Buffer.alloc(WAV_HEADER_BYTES),
      0,
      WAV_HEADER_BYTES,
      0,
    );
    return (
      bytesRead === WAV_HEADER_BYTES &&
      header.toString('latin1', 0, 4) === 'RIFF' &&
      header.toString('latin1', 8, 16) === 'WAVEfmt ' &&
      header.readUInt32LE(16) === 16 &&
      header.readUInt16LE(20) === 1 &&
      header.readUInt16LE(22) === 1 &&
      header.readUInt32LE(24) === SAMPLE_RATE &&
      header.readUInt16LE(34) === 16 &&
      header.toString('latin1', 36, 40) === 'data' &&
      header.readUInt32LE(40) === size - WAV_HEADER_BYTES
    );
  } finally {
    await file.close();
  }
}

/**
 * The power of each whole 10 ms frame of a decoder-input WAV, in dB below full scale
 * (-Infinity for digital silence). Read as a stream: a long recording is never held in memory.
 */
export async function frameLevels(path: string, signal?: AbortSignal): Promise<number[]> {
  const levels: number[] = [];
  let power = 0;
  let samples = 0;
  let carried: Buffer | undefined;
  for await (const chunk of createReadStream(path, {
    start: WAV_HEADER_BYTES,
    signal,
  }) as AsyncIterable<Buffer>) {
    const bytes = carried ? Buffer.concat([carried, chunk]) : chunk;
    // A chunk may end in the middle of a sample.
    const whole = bytes.length - (bytes.length % 2);
    for (let offset = 0; offset < whole; offset += 2) {
      const sample = bytes.readInt16LE(offset);
      power += sample * sample;
      if (++samples === SAMPLES_PER_FRAME) {
        levels.push(10 * Math.log10(power / SAMPLES_PER_FRAME / FULL_SCALE_POWER));
        power = 0;
        samples = 0;
      }
    }
    carried = whole < bytes.length ? bytes.subarray(whole) : undefined;
  }
  return levels;
}
