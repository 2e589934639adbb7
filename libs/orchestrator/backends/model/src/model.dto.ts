// The Open Inference Protocol (KServe V2) REST bodies, as KServe, Triton and MLServer speak them.

/** `BOOL`, `INT64`, `FP32`, `BYTES`… */
export type OipDatatype = string;

/** An input or output of a model; `-1` marks a variable dimension. */
export interface OipTensorMetadata {
  name: string;
  datatype: OipDatatype;
  shape: number[];
}

/** `GET /v2/models/{name}[/versions/{v}]`. */
export interface OipModelMetadata {
  name: string;
  versions?: string[];
  platform?: string;
  inputs: OipTensorMetadata[];
  outputs: OipTensorMetadata[];
}

export interface OipInferenceInput extends OipTensorMetadata {
  /** The tensor flattened in row-major order. */
  data: (number | boolean | string)[];
}

/** `POST /v2/models/{name}[/versions/{v}]/infer`. */
export interface OipInferenceRequest {
  id?: string;
  inputs: OipInferenceInput[];
  /** Omitted: every output. */
  outputs?: { name: string }[];
}

export interface OipInferenceOutput extends OipTensorMetadata {
  /** Flat in row-major order, or nested, as some servers answer. */
  data: unknown[];
}

export interface OipInferenceResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  outputs: OipInferenceOutput[];
}

/** A model as a source names it: `credit_risk`, or `credit_risk@2` for one version. */
export interface ModelReference {
  name: string;
  version?: string;
}
