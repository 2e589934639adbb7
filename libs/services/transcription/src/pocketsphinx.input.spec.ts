import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameLevels, isDecoderInput } from './pocketsphinx.input';
import { recording, speak } from './speech.testing';

/** A canonical WAV header for `dataBytes` of PCM. */
function wavHeader(dataBytes: number, { sampleRate = 16000, channels = 1 } = {}): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFFxxxxWAVEfmt ', 0, 'latin1');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

describe('the decoder input', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'input-spec-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const file = async (name: string, ...parts: Buffer[]) => {
    const path = join(dir, name);
    await writeFile(path, Buffer.concat(parts));
    return path;
  };

  describe('isDecoderInput', () => {
    it('takes a 16 kHz mono 16-bit WAV as sox writes it', async () => {
      expect(await isDecoderInput(await recording(dir, 'goforward.wav'))).toBe(true);
    });

    it('refuses any other rate, channel count or layout, which ffmpeg converts', async () => {
      const pcm = Buffer.alloc(320);
      expect(await isDecoderInput(await speak(dir, 'espeak.wav', 'hello'))).toBe(false);
      expect(await isDecoderInput(await file('stereo.wav', wavHeader(320, { channels: 2 }), pcm))).toBe(
        false,
      );
      expect(await isDecoderInput(await file('8k.wav', wavHeader(320, { sampleRate: 8000 }), pcm))).toBe(
        false,
      );
      // A chunk after the data would be decoded as sound.
      const trailer = Buffer.from('LIST\u0004\u0000\u0000\u0000INFO', 'latin1');
      expect(await isDecoderInput(await file('trailer.wav', wavHeader(320), pcm, trailer))).toBe(false);
      expect(await isDecoderInput(await file('short.wav', Buffer.from('RIFF')))).toBe(false);
    });
  });

  describe('frameLevels', () => {
    it('gives each whole 10 ms frame its power in dB below full scale', async () => {
      const loud = Buffer.alloc(320);
      for (let i = 0; i < 160; i++) loud.writeInt16LE(i % 2 ? 16384 : -16384, 2 * i);
      // Two frames and a half: digital silence, then a square wave at half of full scale.
      const path = await file('levels.wav', wavHeader(800), Buffer.alloc(320), loud, Buffer.alloc(160));
      const levels = await frameLevels(path);
      expect(levels).toHaveLength(2);
      expect(levels[0]).toBe(-Infinity);
      expect(levels[1]).toBeCloseTo(20 * Math.log10(0.5), 6);
    });
  });
});
