// `npm run bench:transcription`: the transcription service on real recordings. Each recording of
// Debian's pocketsphinx-testdata that comes with a reference transcript (the librivox and cards
// sets, and goforward.raw) is sent to the built service's POST /v1/audio/transcriptions, one
// request at a time; per recording it prints the audio's duration, the processing time (median
// of BENCH_TRANSCRIPTION_REPEATS requests, default 3), the real-time factor (processing / audio
// duration) and the word error rate against the reference. The fixed cost of a request is the
// latency of half a second of silence (median of BENCH_FIXED_COST_REQUESTS, default 9): as a
// 16 kHz mono WAV, the decoder's own format, and as a 22.05 kHz WAV, which must be resampled;
// 10 ms of it show what is left of a request without decoding.
// Beside each wall-clock time is the CPU time the service and its processes spent on the
// request, which other load on the machine disturbs far less. Results, with the machine's load
// average, are written to bench/results/ as the other benchmarks' are.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { printTable, round, runBenchmark, writeResults } from './harness.mjs';
import { appUrl, freePort } from '../tools/stack/services.mjs';

const TESTDATA = '/usr/share/pocketsphinx/test/data';
const WAV_HEADER_BYTES = 44;
const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']));
const repeats = Number(process.env.BENCH_TRANSCRIPTION_REPEATS ?? 3);
const fixedCostRequests = Number(process.env.BENCH_FIXED_COST_REQUESTS ?? 9);

if (!existsSync(TESTDATA)) {
  console.error(`${TESTDATA} does not exist: apt-get install -y pocketsphinx-testdata`);
  process.exit(1);
}

await runBenchmark('transcription', ['transcription-service'], async ({ start }) => {
  const env = {
    ...process.env,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    TRANSCRIPTION_SERVICE_PORT: String(await freePort()),
  };
  const { pid } = await start('transcription-service', env);
  const endpoint = `${appUrl('transcription-service', env)}/v1/audio/transcriptions`;
  const transcribe = async (wav, name) => {
    const form = new FormData();
    form.append('model', 'pocketsphinx-en-us');
    form.append('file', new Blob([wav], { type: 'audio/wav' }), name);
    const cpuBefore = cpuMsOf(pid);
    const started = performance.now();
    const response = await fetch(endpoint, { method: 'POST', body: form });
    const body = await response.text();
    const ms = performance.now() - started;
    if (!response.ok) throw new Error(`${name}: ${response.status} ${body}`);
    return { ms, cpuMs: cpuMsOf(pid) - cpuBefore, text: JSON.parse(body).text };
  };

  const silence16k = wavOf(Buffer.alloc(16000), 16000);
  const silence22k = wavOf(Buffer.alloc(22050), 22050);
  // 10 ms: one frame, next to nothing to decode, so what is left is what a request costs as such.
  const blip16k = wavOf(Buffer.alloc(320), 16000);
  // The figures are wall-clock times: how busy the machine was says how far to trust them.
  const loadAverage = { atStart: round(loadavg()[0]) };
  // Not measured: the first request pays what only the first one does (lazy code paths, caches).
  await transcribe(silence16k, 'warm-up.wav');
  const fixedCost = {
    wav16kHz: await fixedCostOf(() => transcribe(silence16k, 'silence.wav')),
    wav22kHz: await fixedCostOf(() => transcribe(silence22k, 'silence.wav')),
    tenMsWav16kHz: await fixedCostOf(() => transcribe(blip16k, 'blip.wav')),
  };

  const recordings = [];
  for (const { id, wav, reference } of testRecordings()) {
    const runs = [];
    for (let i = 0; i < repeats; i++) runs.push(await transcribe(wav, `${id}.wav`));
    const durationS = (wav.length - WAV_HEADER_BYTES) / 32000;
    const processingMs = median(runs.map((run) => run.ms));
    const cpuMs = median(runs.map((run) => run.cpuMs));
    const { errors, words } = wordErrors(reference, runs[0].text);
    recordings.push({
      id,
      durationS: round(durationS),
      processingMs: round(processingMs),
      cpuMs: round(cpuMs),
      realTimeFactor: round(processingMs / 1000 / durationS),
      cpuRealTimeFactor: round(cpuMs / 1000 / durationS),
      wordErrorRate: round(errors / words),
      errors,
      referenceWords: words,
      reference,
      transcript: runs[0].text,
    });
    process.stdout.write(`${id}: ${runs[0].text}\n`);
  }
  const sum = (key) => recordings.reduce((total, recording) => total + recording[key], 0);
  const total = {
    durationS: round(sum('durationS')),
    processingMs: round(sum('processingMs')),
    cpuMs: round(sum('cpuMs')),
    realTimeFactor: round(sum('processingMs') / 1000 / sum('durationS')),
    cpuRealTimeFactor: round(sum('cpuMs') / 1000 / sum('durationS')),
    wordErrorRate: round(sum('errors') / sum('referenceWords')),
  };

  printTable(
    `${recordings.length} recordings of pocketsphinx-testdata, one request at a time, median of ${repeats}`,
    ['', 'audio s', 'processing ms', 'CPU ms', 'RTF', 'CPU RTF', 'WER'],
    [...recordings, { id: 'all', ...total }].map((r) => [
      r.id,
      r.durationS,
      r.processingMs,
      r.cpuMs,
      r.realTimeFactor,
      r.cpuRealTimeFactor,
      r.wordErrorRate,
    ]),
  );
  printTable(
    `fixed cost: latency of 0.5 s of silence, median of ${fixedCostRequests}`,
    ['', 'ms', 'CPU ms'],
    [
      ['16 kHz mono WAV', fixedCost.wav16kHz.ms, fixedCost.wav16kHz.cpuMs],
      ['22.05 kHz mono WAV (resampled)', fixedCost.wav22kHz.ms, fixedCost.wav22kHz.cpuMs],
      [
        '10 ms, 16 kHz mono WAV (the request without decoding)',
        fixedCost.tenMsWav16kHz.ms,
        fixedCost.tenMsWav16kHz.cpuMs,
      ],
    ],
  );
  loadAverage.atEnd = round(loadavg()[0]);
  console.log(`\nload average (1 min): ${loadAverage.atStart} at the start, ${loadAverage.atEnd} at the end`);
  writeResults(
    'transcription',
    { repeats, fixedCostRequests, loadAverage },
    { fixedCost, total, recordings },
  );
});

/**
 * The recordings with a reference: each set's transcript lists `<s> words </s> (id)`, and
 * goforward.raw (headerless 16 kHz PCM) says what its grammar, goforward.gram, spells out.
 */
function testRecordings() {
  const sets = [
    ['librivox', 'transcription'],
    ['cards', 'cards.transcription'],
  ].flatMap(([set, transcriptFile]) =>
    readFileSync(join(TESTDATA, set, transcriptFile), 'utf8')
      .split('\n')
      .map((line) => /^<s>(.*)<\/s>\s*\((\S+)\)$/.exec(line.trim()))
      .filter(Boolean)
      .map(([, reference, id]) => ({
        id: `${set}/${id}`,
        wav: readFileSync(join(TESTDATA, set, `${id}.wav`)),
        reference: reference.trim(),
      })),
  );
  const goForward = wavOf(readFileSync(join(TESTDATA, 'goforward.raw')), 16000);
  return [...sets, { id: 'goforward', wav: goForward, reference: 'go forward ten meters' }];
}

/** A canonical 44-byte-header WAV around 16-bit mono PCM. */
function wavOf(pcm, sampleRate) {
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

/** Word-level Levenshtein distance, case and punctuation aside, and the reference's length. */
function wordErrors(reference, hypothesis) {
  const words = (text) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9' ]+/g, ' ')
      .split(/\s+/)
      .filter(Boolean);
  const expected = words(reference);
  const heard = words(hypothesis);
  let previous = Array.from({ length: heard.length + 1 }, (_, j) => j);
  for (let i = 1; i <= expected.length; i++) {
    const current = [i];
    for (let j = 1; j <= heard.length; j++) {
      const substitution = previous[j - 1] + (expected[i - 1] === heard[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return { errors: previous[heard.length], words: expected.length };
}

/** The median wall-clock and CPU times of `fixedCostRequests` requests, one after another. */
async function fixedCostOf(request) {
  const runs = [];
  for (let i = 0; i < fixedCostRequests; i++) runs.push(await request());
  return { ms: round(median(runs.map((run) => run.ms))), cpuMs: round(median(runs.map((run) => run.cpuMs))) };
}

/**
 * The CPU time (ms) the service has used so far, with its child processes': those it has
 * reaped (utime, stime, cutime and cstime of /proc/<pid>/stat: one ffmpeg or decoder run per
 * request) and those still running (the warm decoders).
 */
function cpuMsOf(pid) {
  const ticks = (of, fields) => {
    const stat = readFileSync(`/proc/${of}/stat`, 'utf8');
    // The fields after the command name, which may hold spaces; the state is field 3.
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields.reduce((total, field) => total + Number(after[field - 3]), 0);
  };
  const running = readdirSync(`/proc/${pid}/task`).flatMap((thread) =>
    readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8').split(' ').filter(Boolean),
  );
  const ofRunning = running.reduce((total, child) => total + ticks(child, [14, 15]), 0);
  return ((ticks(pid, [14, 15, 16, 17]) + ofRunning) * 1000) / CLOCK_TICKS_PER_SECOND;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
