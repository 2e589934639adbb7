import { HttpService } from '@nestjs/axios';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DownstreamError, maskSecrets } from '@libs/core/http';
import { DownstreamClient, type CallContext } from '@libs/core/resilience';
import { Observable, catchError, map, throwError } from 'rxjs';
import { FEATURE_SERVER, readFeastConfig } from './feast.config';
import type {
  FeatureColumnDto,
  GetOnlineFeaturesRequestDto,
  GetOnlineFeaturesResponseDto,
  OnlineFeatures,
  OnlineFeaturesQuery,
} from './feast.dto';

/** A Feast feature server's HTTP API (Python or Go server, or `apps/reference/feature-server`), as the orchestrator calls it. */
@Injectable()
export class FeastClient {
  readonly downstream: DownstreamClient;

  constructor(http: HttpService, config: ConfigService) {
    this.downstream = new DownstreamClient(http.axiosRef, readFeastConfig(config));
  }

  /**
   * `POST /get-online-features`, its columnar answer turned into one object per entity row.
   * Retried on transient failures: reading features changes nothing.
   */
  onlineFeatures(query: OnlineFeaturesQuery, context: CallContext): Observable<OnlineFeatures> {
    const body: GetOnlineFeaturesRequestDto = {
      ...(query.features !== undefined && { features: query.features }),
      ...(query.featureService !== undefined && { feature_service: query.featureService }),
      entities: query.entities,
      ...(query.fullFeatureNames !== undefined && { full_feature_names: query.fullFeatureNames }),
    };
    const rowCount = Object.values(query.entities)[0]?.length ?? 0;
    return this.downstream
      .request<unknown>({ method: 'POST', url: '/get-online-features', data: body }, context, {
        idempotent: true,
      })
      .pipe(
        catchError((error: unknown) => throwError(() => withValidationDetail(error))),
        map((answer) => toRows(checkedAnswer(answer, rowCount))),
      );
  }
}

function toRows({ metadata, results }: GetOnlineFeaturesResponseDto): OnlineFeatures {
  const rowCount = results[0]?.values.length ?? 0;
  const rows: OnlineFeatures['rows'] = [];
  const statuses: OnlineFeatures['statuses'] = [];
  for (let row = 0; row < rowCount; row++) {
    rows.push({});
    statuses.push({});
    metadata.feature_names.forEach((name, column) => {
      const status = results[column].statuses[row];
      rows[row][name] = status === 'PRESENT' ? results[column].values[row] : null;
      statuses[row][name] = status;
    });
  }
  return { rows, statuses };
}

/** The answer, once it is known to be Feast's columnar form with one element per entity row in every column. */
function checkedAnswer(answer: unknown, rowCount: number): GetOnlineFeaturesResponseDto {
  const { metadata, results } = (answer ?? {}) as Partial<GetOnlineFeaturesResponseDto>;
  const names = metadata?.feature_names;
  const problem = !Array.isArray(names)
    ? 'no metadata.feature_names'
    : !Array.isArray(results)
      ? 'no results'
      : names.length !== results.length
        ? `${names.length} feature names for ${results.length} result columns`
        : results.map((column, index) => columnProblem(column, names[index], rowCount)).find(Boolean);
  if (problem) {
    throw new DownstreamError(
      FEATURE_SERVER,
      'bad-gateway',
      `${FEATURE_SERVER} answered what is not an online features response (${problem})`,
      { detail: maskSecrets(String(JSON.stringify(answer)).slice(0, 200)) },
    );
  }
  return answer as GetOnlineFeaturesResponseDto;
}

function columnProblem(column: Partial<FeatureColumnDto> | undefined, name: string, rowCount: number) {
  const rowsOf = (list: unknown) => (Array.isArray(list) ? list.length : 'no');
  return rowsOf(column?.values) === rowCount && rowsOf(column?.statuses) === rowCount
    ? undefined
    : `column ${name} has ${rowsOf(column?.values)} values and ${rowsOf(column?.statuses)} statuses for ${rowCount} entity rows`;
}

/**
 * FastAPI answers a body it cannot validate with a 422 whose `detail` is a list, which the
 * generic classification cannot quote: the list becomes the error's detail, so that the trace
 * says which field was wrong.
 */
function withValidationDetail(error: unknown): unknown {
  if (!(error instanceof DownstreamError)) return error;
  const detail = (error.cause as { response?: { data?: { detail?: unknown } } } | undefined)?.response?.data
    ?.detail;
  if (detail === undefined || typeof detail === 'string') return error;
  return error.restated({ detail: maskSecrets(JSON.stringify(detail).slice(0, 500)) });
}
