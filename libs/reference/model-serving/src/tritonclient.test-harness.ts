// tritonclient.http (Python), as it speaks on the wire, for the specs that replay it against the
// model service: its requests built byte for byte as the client builds them, sent over a plain TCP
// socket, and its answers decoded as the client decodes them. PyPI is out of reach, so the client
// cannot run here; what follows is read from its source, and each part names the lines it follows:
//   triton-inference-server/client @ 58a44caa0dce77303115302e6dbdf64626b2b093,
//     src/python/library/tritonclient/http/{_client,_utils,_infer_input,_requested_output,_infer_result}.py
//     and src/python/library/tritonclient/utils/__init__.py (serialize_byte_tensor);
//   geventhttpclient/geventhttpclient @ 231947d955c15e414454621c905b0211a604d235 (2.3.8, the
//     client's HTTP library), src/geventhttpclient/client.py.
import { connect } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';

/** geventhttpclient's User-Agent, its one default header (client.py 55, __init__.py 3). */
export const TRITON_USER_AGENT = 'python/gevent-http-client-2.3.8';

/** An input as `InferInput(name, shape, datatype)` holds it after `set_data_from_numpy`. */
export interface TritonInput {
  name: string;
  shape: number[];
  datatype: string;
  /** `binary_data=False`: the elements, in JSON (_infer_input.py 166-196). */
  json?: unknown[];
  /** `binary_data=True`, the default: the tensor's bytes (_infer_input.py 197-213). */
  binary?: Buffer;
}

/** `InferRequestedOutput(name, binary_data)`; binary_data defaults to True (_requested_output.py 51-57). */
export interface TritonRequestedOutput {
  name: string;
  binaryData: boolean;
}

export interface TritonRequestBody {
  body: Buffer;
  /** The JSON's length, sent as Inference-Header-Content-Length when binary data follows. */
  jsonSize?: number;
}

/**
 * The body `_get_inference_request` builds (_utils.py 90-151): the JSON request with its keys in
 * the client's order (id, inputs, outputs, parameters), `binary_data_output: true` when no output
 * is named (120-122), then the binary inputs' bytes in input order (141-151). rapidjson writes
 * this JSON compact, as JSON.stringify does; it writes floats with a ".0" that JSON.stringify
 * leaves out, so requests with JSON floats are written out literally in the specs instead.
 */
export function tritonRequestBody(request: {
  id?: string;
  inputs: TritonInput[];
  outputs?: TritonRequestedOutput[];
}): TritonRequestBody {
  const json: Record<string, unknown> = {};
  if (request.id) json['id'] = request.id;
  json['inputs'] = request.inputs.map(inputTensor);
  if (request.outputs?.length) {
    // _requested_output.py 106-117: the name, and the parameters, binary_data always among them.
    json['outputs'] = request.outputs.map(({ name, binaryData }) => ({
      name,
      parameters: { binary_data: binaryData },
    }));
  } else {
    json['parameters'] = { binary_data_output: true };
  }
  const text = JSON.stringify(json);
  const binary = request.inputs.flatMap((input) => (input.binary ? [input.binary] : []));
  // _utils.py 139: len() of the JSON text, which rapidjson keeps ASCII, so its bytes.
  const head = Buffer.from(text, 'utf8');
  if (binary.length === 0) return { body: head };
  return { body: Buffer.concat([head, ...binary]), jsonSize: head.length };
}

/** `InferInput._get_tensor` (_infer_input.py 254-272): name, shape, datatype, parameters, data. */
function inputTensor(input: TritonInput): Record<string, unknown> {
  const tensor: Record<string, unknown> = { name: input.name, shape: input.shape, datatype: input.datatype };
  if (input.binary) tensor['parameters'] = { binary_data_size: input.binary.length };
  else tensor['data'] = input.json;
  return tensor;
}

/**
 * The bytes `serialize_byte_tensor` makes of a BYTES tensor (utils/__init__.py 208-262): per
 * element, its length as a 4-byte little-endian unsigned integer (struct "<I"), then its bytes.
 */
export function serializeByteTensor(elements: (string | Buffer)[]): Buffer {
  return Buffer.concat(
    elements.flatMap((element) => {
      const bytes = typeof element === 'string' ? Buffer.from(element, 'utf8') : element;
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    }),
  );
}

export interface TritonInferCall {
  model: string;
  version?: string;
  request: TritonRequestBody;
  /** `request_compression_algorithm` (_client.py 1440-1451). */
  requestCompression?: 'gzip' | 'deflate';
  /** `response_compression_algorithm` (_client.py 1453-1460). */
  responseCompression?: 'gzip' | 'deflate';
}

/**
 * The bytes `InferenceServerClient.infer` puts on the socket for `url="127.0.0.1:<port>"`: the
 * body compressed as asked (gzip.compress, or zlib.compress for deflate), the headers it adds in
 * its order (_client.py 1440-1465) and the path (1469-1474), through `_post` (259-307: the
 * base URI "" + "/" + path, no Content-Type) to geventhttpclient.
 */
export function tritonInfer(port: number, call: TritonInferCall): Buffer {
  const headers: [string, string][] = [];
  let body = call.request.body;
  if (call.requestCompression) {
    headers.push(['Content-Encoding', call.requestCompression]);
    body = call.requestCompression === 'gzip' ? gzipSync(body) : deflateSync(body);
  }
  if (call.responseCompression) headers.push(['Accept-Encoding', call.responseCompression]);
  if (call.request.jsonSize !== undefined) {
    headers.push(['Inference-Header-Content-Length', String(call.request.jsonSize)]);
  }
  const path = call.version
    ? `/v2/models/${encodeURIComponent(call.model)}/versions/${call.version}/infer`
    : `/v2/models/${encodeURIComponent(call.model)}/infer`;
  return geventRequest(port, 'POST', path, body, headers);
}

/**
 * What geventhttpclient's HTTPClient sends (client.py 160-213 and 238): the request line, its
 * default User-Agent, the caller's headers, Host, Content-Length when there is a body, CRLFs,
 * and the body in the same write.
 */
export function geventRequest(
  port: number,
  method: string,
  path: string,
  body: Buffer,
  headers: [string, string][] = [],
): Buffer {
  const lines = [
    `${method} ${path} HTTP/1.1`,
    `User-Agent: ${TRITON_USER_AGENT}`,
    ...headers.map(([field, value]) => `${field}: ${value}`),
    `Host: 127.0.0.1:${port}`,
    ...(body.length > 0 ? [`Content-Length: ${body.length}`] : []),
  ];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

export interface RawResponse {
  status: number;
  /** By lower-case name. */
  headers: Record<string, string>;
  body: Buffer;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Writes `request` to the server on a new connection and reads one response, framed by its
 * Content-Length (every answer of the service has one), then closes the connection.
 */
export function exchange(port: number, request: Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error(`the connection closed after ${received.length} bytes`)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf(HEADER_END);
      if (end < 0) return;
      const [statusLine, ...fields] = received.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(
        fields.map((field) => {
          const colon = field.indexOf(':');
          return [field.slice(0, colon).trim().toLowerCase(), field.slice(colon + 1).trim()];
        }),
      );
      if (headers['transfer-encoding'])
        return fail(new Error('a chunked answer: the harness reads only sized ones'));
      const length = Number(headers['content-length']);
      if (received.length - end - HEADER_END.length < length) return;
      socket.removeAllListeners('close');
      socket.destroy();
      const body = received.subarray(end + HEADER_END.length, end + HEADER_END.length + length);
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
    socket.write(request);
  });
}

/** An element as numpy gives it back: a number, a bigint for 64-bit integers, a boolean or bytes. */
export type NumpyElement = number | bigint | boolean | Buffer;

/** One output as `InferResult.as_numpy` makes it: its shape, and its elements flattened. */
export interface NumpyOutput {
  shape: number[];
  elements: NumpyElement[];
}

interface ResponseOutput {
  name: string;
  datatype: string;
  shape: number[];
  data?: unknown[];
  parameters?: { binary_data_size?: number };
}

/**
 * `InferResult` of a 200 answer: with Inference-Header-Content-Length, that many bytes of JSON,
 * the rest the outputs' binary data, each output with `binary_data_size` taking its bytes in turn
 * (_infer_result.py 55-106); without, the whole body is JSON (77-87). A Content-Encoding it
 * decompresses first (71-76); the specs assert that none is sent.
 */
export class TritonInferResult {
  readonly response: { model_name: string; model_version: string; id?: string; outputs: ResponseOutput[] };
  private readonly buffer: Buffer;
  private readonly offsets = new Map<string, number>();

  constructor(answer: RawResponse) {
    const headerLength = answer.headers['inference-header-content-length'];
    if (headerLength === undefined) {
      this.response = JSON.parse(answer.body.toString('utf8'));
      this.buffer = Buffer.alloc(0);
      return;
    }
    const length = Number(headerLength);
    this.response = JSON.parse(answer.body.subarray(0, length).toString('utf8'));
    this.buffer = answer.body.subarray(length);
    let index = 0;
    for (const output of this.response.outputs) {
      const size = output.parameters?.binary_data_size;
      if (size === undefined) continue;
      this.offsets.set(output.name, index);
      index += size;
    }
  }

  /** `as_numpy(name)` (_infer_result.py 157-210): from the binary data, or from the JSON `data`. */
  asNumpy(name: string): NumpyOutput | undefined {
    const output = this.response.outputs.find((candidate) => candidate.name === name);
    if (!output) return undefined;
    const size = output.parameters?.binary_data_size;
    if (size === undefined) return { shape: output.shape, elements: output.data as NumpyElement[] };
    const start = this.offsets.get(name) as number;
    const bytes = this.buffer.subarray(start, start + size);
    return { shape: output.shape, elements: fromBuffer(output.datatype, bytes) };
  }
}

/**
 * `np.frombuffer(bytes, dtype=triton_to_np_dtype(datatype))` (utils/__init__.py 178-205), and
 * `deserialize_bytes_tensor` for BYTES (264-292). FP16 comes back as its value, as numpy's
 * float16 gives it.
 */
export function fromBuffer(datatype: string, bytes: Buffer): NumpyElement[] {
  const reader = NUMPY_READERS[datatype];
  if (datatype === 'BYTES') return deserializeBytesTensor(bytes);
  if (!reader) throw new Error(`tritonclient reads no ${datatype}`);
  const elements: NumpyElement[] = [];
  for (let offset = 0; offset < bytes.length; offset += reader.size)
    elements.push(reader.read(bytes, offset));
  return elements;
}

const NUMPY_READERS: Record<string, { size: number; read: (bytes: Buffer, offset: number) => NumpyElement }> =
  {
    BOOL: { size: 1, read: (bytes, offset) => bytes[offset] !== 0 },
    UINT8: { size: 1, read: (bytes, offset) => bytes.readUInt8(offset) },
    UINT16: { size: 2, read: (bytes, offset) => bytes.readUInt16LE(offset) },
    UINT32: { size: 4, read: (bytes, offset) => bytes.readUInt32LE(offset) },
    UINT64: { size: 8, read: (bytes, offset) => bytes.readBigUInt64LE(offset) },
    INT8: { size: 1, read: (bytes, offset) => bytes.readInt8(offset) },
    INT16: { size: 2, read: (bytes, offset) => bytes.readInt16LE(offset) },
    INT32: { size: 4, read: (bytes, offset) => bytes.readInt32LE(offset) },
    INT64: { size: 8, read: (bytes, offset) => bytes.readBigInt64LE(offset) },
    FP16: { size: 2, read: (bytes, offset) => halfToNumber(bytes.readUInt16LE(offset)) },
    FP32: { size: 4, read: (bytes, offset) => bytes.readFloatLE(offset) },
    FP64: { size: 8, read: (bytes, offset) => bytes.readDoubleLE(offset) },
  };

function deserializeBytesTensor(bytes: Buffer): Buffer[] {
  const elements: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const length = bytes.readUInt32LE(offset);
    offset += 4;
    elements.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return elements;
}

/** An IEEE 754 half-precision number's value from its 16 bits. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** `_get_error` (_utils.py 40-64): a non-200 answer's message is its JSON's `error`. */
export function tritonError(answer: RawResponse): string {
  const { error } = JSON.parse(answer.body.toString('utf8')) as { error: unknown };
  if (typeof error !== 'string') throw new Error(`no "error" string in ${answer.body.toString('utf8')}`);
  return error;
}
