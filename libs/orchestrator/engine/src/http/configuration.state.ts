import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { configurationReloads } from '@libs/core/metrics';
import { watch, type FSWatcher } from 'chokidar';
import { resolve } from 'node:path';
import { ConfigurationLoader } from '../config/configuration.loader';
import { formatProblem } from '../config/configuration.report';
import { SourceAdapterRegistry } from '../config/source-adapter.registry';
import { qualifiedName, type ConfigurationProblem, type CompiledEndpoint } from '../model';
import { CONFIG_DIR, CONFIG_WATCH, CONFIG_WATCH_DEBOUNCE_MS } from './engine.config';
import { LiveConfiguration } from './live-configuration';

/** Routes of the orchestrator's own that a YAML endpoint may not take over. */
const RESERVED_PREFIXES = [
  '/health',
  '/docs',
  '/admin',
  '/executions',
  '/analyze-text',
  '/analyze-audio',
  '/composites',
  '/metrics',
];

export interface ReloadResult {
  applied: boolean;
  version: string;
  problems: string[];
}

export interface ConfigurationStatus {
  version: string;
  loadedAt: string;
  directory: string;
  endpoints: { domain: string; name: string; method: string; path: string }[];
  lastError?: { at: string; problems: string[] };
}

/**
 * The configuration the engine serves. It is loaded at start-up (an invalid one stops the
 * start), reloaded on demand or when a file in the directory changes, and replaced only by a
 * configuration that is valid as a whole, in one assignment: a request keeps the one it began
 * with, an invalid one is refused and the old one keeps serving.
 */
@Injectable()
export class ConfigurationState implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Configuration');
  private readonly directory: string;
  private live?: LiveConfiguration;
  private lastError?: { at: string; problems: string[] };
  private reloading: Promise<ReloadResult> = Promise.resolve({ applied: false, version: '', problems: [] });
  private watcher?: FSWatcher;
  private debounce?: NodeJS.Timeout;

  constructor(
    private readonly config: ConfigService,
    private readonly loader: ConfigurationLoader,
    private readonly registry: SourceAdapterRegistry,
  ) {
    this.directory = resolve(config.getOrThrow<string>(CONFIG_DIR));
  }

  async onApplicationBootstrap(): Promise<void> {
    const result = await this.reload();
    if (!result.applied) {
      throw new Error(`the configuration in ${this.directory} is invalid:\n${result.problems.join('\n')}`);
    }
    if (this.config.getOrThrow<boolean>(CONFIG_WATCH)) this.watch();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.debounce);
    await this.watcher?.close();
  }

  get current(): LiveConfiguration {
    if (!this.live) throw new Error('the configuration is not loaded yet');
    return this.live;
  }

  status(): ConfigurationStatus {
    const { snapshot } = this.current;
    return {
      version: snapshot.version,
      loadedAt: snapshot.loadedAt,
      directory: snapshot.directory,
      endpoints: snapshot.endpoints.map(({ definition: { domain, name, method, path } }) => ({
        domain,
        name,
        method,
        path,
      })),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Loads the directory again; reloads run one after another, never two at once. */
  reload(): Promise<ReloadResult> {
    this.reloading = this.reloading.then(async () => {
      const result = await this.loadOnce();
      if (configurationReloads.hasSubscribers) {
        configurationReloads.publish({ applied: result.applied, version: result.version });
      }
      return result;
    });
    return this.reloading;
  }

  private async loadOnce(): Promise<ReloadResult> {
    const { snapshot, problems, warnings } = await this.loader.load(this.directory, this.registry.adapters);
    if (warnings.length > 0) {
      this.logger.warn(
        { warnings: warnings.map(formatProblem) },
        `the configuration has ${warnings.length} source${warnings.length === 1 ? '' : 's'} whose fields could not be checked at load`,
      );
    }
    const all = [...problems, ...(snapshot ? reservedRouteProblems(snapshot.endpoints) : [])].map(
      formatProblem,
    );
    if (!snapshot || all.length > 0) {
      this.lastError = { at: new Date().toISOString(), problems: all };
      this.logger.error(
        { problems: all },
        `configuration rejected; version ${this.live?.snapshot.version ?? 'none'} keeps serving`,
      );
      return { applied: false, version: this.live?.snapshot.version ?? '', problems: all };
    }
    this.live = new LiveConfiguration(snapshot);
    for (const adapter of this.registry.adapters.values()) adapter.activate?.(snapshot.sections);
    this.lastError = undefined;
    this.logger.log(`configuration ${snapshot.version} loaded: ${snapshot.endpoints.length} endpoints`);
    return { applied: true, version: snapshot.version, problems: [] };
  }

  private watch(): void {
    const delay = this.config.getOrThrow<number>(CONFIG_WATCH_DEBOUNCE_MS);
    this.watcher = watch(this.directory, { ignoreInitial: true });
    this.watcher.on('all', () => {
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.reload(), delay);
    });
    this.watcher.on('error', (error) =>
      this.logger.error({ err: error }, 'watching the configuration failed'),
    );
  }
}

function reservedRouteProblems(endpoints: readonly CompiledEndpoint[]): ConfigurationProblem[] {
  return endpoints
    .map(({ definition }) => definition)
    .filter(({ path }) =>
      RESERVED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)),
    )
    .map((endpoint) => ({
      ...endpoint.location,
      message: `endpoint ${qualifiedName(endpoint)}: route ${endpoint.path} belongs to the orchestrator itself; expected a path outside ${RESERVED_PREFIXES.join(', ')}`,
    }));
}
