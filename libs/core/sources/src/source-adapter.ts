import type { FileHead } from '@libs/core/http';
import type { Observable } from 'rxjs';
import type { ConfigurationSection } from './configuration-section';
import type { ResultShape } from './result-shape';

/**
 * What a YAML endpoint's data source becomes once its references are resolved: the adapter of
 * its `type` gets this and answers with the source's result.
 */
export interface SourceCall {
  /** The source's name in its endpoint (`profile`), for errors and traces. */
  source: string;
  type: string;
  /** The named operation, for types that have them (`get_customer`). */
  operation?: string;
  /** The source's `params`, every reference resolved against the request and earlier sources. */
  params: Record<string, unknown>;
  context: SourceCallContext;
}

export interface SourceCallContext {
  requestId: string;
  executionId: string;
  /** Fires when the request's deadline passes or its client goes away: cancel the work. */
  signal: AbortSignal;
  /** The request's deadline (epoch ms); an adapter never waits past it. */
  deadline: number;
  /** The configuration the request began with, so a reload never changes a request in flight. */
  sections: ConfigurationSections;
  /**
   * Adds what the adapter learnt beyond the result to the source's trace in the execution record
   * (a feature store's per-feature statuses, a model's version). Keys of later calls win.
   */
  annotate?(details: Record<string, unknown>): void;
  /**
   * The source declares its own `retry`, which the engine runs: a downstream client does not
   * retry the call as well (DownstreamClient reads this).
   */
  retriedByCaller?: boolean;
  /**
   * Called for every request the adapter sends to its downstream, retries included, so that the
   * trace's `attempts` is what the downstream saw. DownstreamClient calls it; an adapter with its
   * own transport (a database driver) calls it per query.
   */
  onAttempt?(): void;
}

/**
 * The parts of a configuration that are not endpoints: the settings of `config.yaml`, and the
 * section of each source type that declares one (`SourceAdapter.section`), compiled.
 */
export interface ConfigurationSections {
  /** Global settings from `config.yaml`. */
  settings: Readonly<Record<string, unknown>>;
  /** Each source type's section as its adapter compiled it, by type (see `compiledSection`). */
  compiled: Readonly<Record<string, unknown>>;
}

/** A problem with a source declaration, found when a configuration loads. */
export interface SourceProblem {
  /** Path below the source declaration (`['operation']`, `['params', 'customer_id']`). */
  path: (string | number)[];
  message: string;
}

export interface SourceDeclarationView {
  name: string;
  type: string;
  operation?: string;
  params: Record<string, unknown>;
}

/**
 * One backend's part in the engine: each backend module registers an adapter for its `type`
 * (with `@SourceAdapterFor`), so the engine knows nothing backend-specific.
 */
export interface SourceAdapter {
  readonly type: string;
  /**
   * The configuration files the type owns (`database.yaml`, `integrations/*.yaml`) with their
   * schema and compile step; the engine reads them, and hands the compiled section to the
   * adapter in `ConfigurationSections.compiled[type]`.
   */
  readonly section?: ConfigurationSection;
  /**
   * Checks a declaration against the configuration's sections when a configuration loads (an unknown operation,
   * a missing parameter), so that a bad configuration is refused before it serves.
   */
  validate?(source: SourceDeclarationView, sections: ConfigurationSections): SourceProblem[];
  /**
   * The shape of the source's result, when it can be known as a configuration loads (a
   * statement's columns, a model's outputs, declared features or response schema), so that a
   * reference to a field the result cannot have is refused before it serves. Undefined when it
   * is known only at run time. A rejection says why it cannot be found out now (a database
   * unreachable): the configuration still loads, with a warning, and the run-time rule applies
   * (a missing value is null in the answer and named in its warnings). Called only for
   * declarations that `validate` accepts; `signal` fires when the loader stops waiting.
   */
  describeResult?(
    source: SourceDeclarationView,
    sections: ConfigurationSections,
    signal: AbortSignal,
  ): Promise<ResultShape | undefined>;
  /**
   * Told the sections of each configuration that starts serving, so that the adapter can follow
   * it outside calls (open, check or close the connections it declares).
   */
  activate?(sections: ConfigurationSections): void;
  /**
   * Why an uploaded file that a source of this type is given may not be taken (the client's 415,
   * before a byte of it is passed on), or undefined to take it: an adapter that sends files on
   * knows what its downstream reads.
   */
  checkFile?(file: FileHead): string | undefined;
  /** Whether a failed call may be repeated (reads are, an upload stream or a payment is not). */
  idempotent?(source: SourceDeclarationView, sections: ConfigurationSections): boolean;
  /**
   * Runs the call. Failures are `DownstreamError`s (from `@libs/core/http`) naming the
   * source, so that the engine maps them to 502/503/504 like every other downstream failure.
   */
  execute(call: SourceCall): Observable<unknown>;
  /**
   * The calls of a `foreach` source made at once (a feature store's batch lookup), answering one
   * result per call, in order. Without it, the engine makes one `execute` per item.
   */
  executeBatch?(calls: SourceCall[]): Observable<unknown[]>;
}
