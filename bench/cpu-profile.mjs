// What a V8 CPU profile (`node --cpu-prof`, a .cpuprofile) says, in a few lines: the frames that
// spent most time themselves (self time), and that time grouped by where the code comes from
// (a package of node_modules, Node's own internals, V8's builtins, the garbage collector, or the
// app's own code, mapped through the bundle's source map to the library it was written in).
// Plain Node: the source map is read with node:module's SourceMap.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROUND = (value) => Math.round(value * 100) / 100;

/**
 * The summary of `profile` (the parsed .cpuprofile): `topFrames` frames by self time and the
 * time of each group of code, each with its ms and its share of the busy time (idle left out).
 * Only the samples taken within `window` ({ fromUs, toUs } on the monotonic clock the profile's
 * timestamps use, which is process.hrtime's) count, when it is given: the load, not the start.
 * `appRoot` (workspace-relative, e.g. bench/bench-orchestrator) resolves the bundle's source map
 * paths, so that its frames are named after their TypeScript files.
 */
export function summariseCpuProfile(profile, { appRoot, topFrames = 20, window } = {}) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const locate = locator(appRoot);
  const frames = new Map();
  const groups = new Map();
  let idleMs = 0;
  let busyMs = 0;
  for (const [id, ms] of selfTimes(profile, window)) {
    const { callFrame } = nodes.get(id);
    if (callFrame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    busyMs += ms;
    const { file, line, group, detail } = locate(callFrame);
    const name = callFrame.functionName || '(anonymous)';
    const key = `${name} ${file}:${line}`;
    const frame = frames.get(key) ?? {
      function: name,
      location: file ? `${file}:${line}` : '',
      group,
      ms: 0,
    };
    frame.ms += ms;
    frames.set(key, frame);
    const entry = groups.get(group) ?? { group, ms: 0, details: new Map() };
    entry.ms += ms;
    if (detail) entry.details.set(detail, (entry.details.get(detail) ?? 0) + ms);
    groups.set(group, entry);
  }
  const ranked = (entries) =>
    entries
      .sort((a, b) => b.ms - a.ms)
      .map((entry) => ({ ...entry, ms: ROUND(entry.ms), percent: ROUND((entry.ms / busyMs) * 100) }));
  return {
    windowMs: ROUND(idleMs + busyMs || 0),
    busyMs: ROUND(busyMs),
    idlePercent: ROUND((idleMs / (idleMs + busyMs)) * 100),
    topFrames: ranked([...frames.values()]).slice(0, topFrames),
    groups: ranked([...groups.values()]).map(({ details, ...group }) => ({
      ...group,
      ...(details.size > 0 && {
        details: ranked([...details].map(([part, ms]) => ({ part, ms }))).slice(0, 8),
      }),
    })),
  };
}

/**
 * Each node's self time in ms, over the samples taken within `window`: a sample lasts until the
 * next one is taken.
 */
function selfTimes({ samples, timeDeltas, startTime }, window) {
  const times = new Map();
  let at = startTime;
  for (let index = 0; index + 1 < samples.length; index++) {
    at += timeDeltas[index];
    const lasts = Math.max(timeDeltas[index + 1], 0);
    if (window && (at < window.fromUs || at >= window.toUs)) continue;
    times.set(samples[index], (times.get(samples[index]) ?? 0) + lasts / 1000);
  }
  return times;
}

const NODE_MODULES = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/;

/** Where a call frame's code is: its file and line (1-based), and the group it counts in. */
function locator(appRoot) {
  const maps = new Map();
  const sourceMapOf = (url) => {
    if (!maps.has(url)) {
      const file = url.startsWith('file://') ? fileURLToPath(url) : url;
      maps.set(
        url,
        existsSync(`${file}.map`) ? new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))) : null,
      );
    }
    return maps.get(url);
  };
  return ({ functionName, url, lineNumber, columnNumber }) => {
    const line = lineNumber + 1;
    if (!url) {
      if (functionName === '(garbage collector)') return { file: '', line, group: 'GC' };
      if (functionName.startsWith('(')) return { file: '', line, group: `V8 ${functionName}` };
      return { file: '', line, group: 'V8 builtins (native)' };
    }
    if (url.startsWith('node:')) return { file: url, line, group: 'node internals', detail: url };
    const inPackage = NODE_MODULES.exec(url);
    if (inPackage) return { file: `${inPackage[1]}/${inPackage[2]}`, line, group: inPackage[1] };
    const entry = sourceMapOf(url)?.findEntry(lineNumber, columnNumber);
    if (entry?.originalSource) {
      const source = posix.join(appRoot ?? '', entry.originalSource.replace(/^webpack:\/\/\/?/, ''));
      // A library, or the app: the folder its src/ is in.
      const part = /^(.*?)\/src\//.exec(source)?.[1] ?? source;
      return { file: source, line: entry.originalLine + 1, group: 'own code', detail: part };
    }
    return { file: url.replace(/^file:\/\//, ''), line, group: 'own code', detail: 'unmapped' };
  };
}

/** Lines to print: the top frames, then the groups above `minPercent`, with their largest parts. */
export function cpuProfileLines(summary, { minPercent = 0.5 } = {}) {
  const percent = (value) => `${value.toFixed(1).padStart(5)} %`;
  const shown = summary.groups.filter((group) => group.percent >= minPercent);
  const rest = summary.groups.slice(shown.length).reduce((sum, group) => sum + group.percent, 0);
  return [
    `${summary.busyMs} ms busy of ${summary.windowMs} ms (${summary.idlePercent} % idle); shares are of the busy time`,
    '',
    'top frames by self time:',
    ...summary.topFrames.map(
      (f) => `  ${percent(f.percent)}  ${f.function}  ${f.location || `(${f.group})`}`,
    ),
    '',
    'by where the code comes from:',
    ...shown.map(
      (g) =>
        `  ${percent(g.percent)}  ${g.group}${
          g.details
            ? `: ${g.details
                .slice(0, 4)
                .map((d) => `${d.part} ${d.percent.toFixed(1)}`)
                .join(', ')}`
            : ''
        }`,
    ),
    `  ${percent(rest)}  ${summary.groups.length - shown.length} others under ${minPercent} % each`,
  ];
}
