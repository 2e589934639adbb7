// The model service as tritonclient.http (and KServe's and Triton's C++ clients) speak to it: each
// request is the exact bytes the client puts on the socket, sent over TCP to the real service
// running the real ONNX models, and each answer is decoded as the client decodes it
// (tritonclient.test-harness.ts says which client source lines each part follows).
import type { RunningService } from '@libs/core/testing';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import {
  SERVED_DATATYPES,
  demoModels,
  generateDemoModels,
  referenceOutput,
  startModelService,
  writeDatatypesModel,
  type ServedDatatype,
} from './testing';
import {
  TritonInferResult,
  exchange,
  geventRequest,
  serializeByteTensor,
  tritonError,
  tritonInfer,
  tritonRequestBody,
  type NumpyElement,
  type RawResponse,
  type TritonInput,
} from './tritonclient.test-harness';

const FLOAT32_TOLERANCE_DIGITS = 6;
const riskyCustomer = [800, 0.5, 120, 200, 4000];
const loyalCustomer = [5200, 3, 12, 6500, 1000];
const shopper = [5200, 3, 120, 12];

/** The float32 bytes numpy's `tobytes()` gives for these rows, worked out with Python's struct "<f". */
const RISKY_CUSTOMER_FP32 = '00004844' + '0000003f' + '0000f042' + '00004843' + '00007a45';
const LOYAL_CUSTOMER_FP32 = '0080a245' + '00004040' + '00004041' + '0020cb45' + '00007a44';
const SHOPPER_FP32 = '0080a245' + '00004040' + '0000f042' + '00004041';

// The requests, as literal bytes. `${port}` is the one part that is not: geventhttpclient's Host.

/**
 * `InferInput('features', [1, 5], 'FP32').set_data_from_numpy(risky, binary_data=False)`, then
 * `client.infer('credit_risk', [input])`: JSON data, floats as rapidjson writes them, no
 * Content-Type, and, as no output is named, `binary_data_output` (_utils.py 120-122).
 */
const jsonRequestAllOutputsBinary = (port: number) =>
  Buffer.from(
    'POST /v2/models/credit_risk/infer HTTP/1.1\r\n' +
      'User-Agent: python/gevent-http-client-2.3.8\r\n' +
      `Host: 127.0.0.1:${port}\r\n` +
      'Content-Length: 143\r\n' +
      '\r\n' +
      '{"inputs":[{"name":"features","shape":[1,5],"datatype":"FP32","data":[800.0,0.5,120.0,200.0,4000.0]}],' +
      '"parameters":{"binary_data_output":true}}',
  );

/** The same input, with `outputs=[InferRequestedOutput('probability_of_default', binary_data=False)]`. */
const jsonRequestJsonOutput = (port: number) =>
  Buffer.from(
    'POST /v2/models/credit_risk/infer HTTP/1.1\r\n' +
      'User-Agent: python/gevent-http-client-2.3.8\r\n' +
      `Host: 127.0.0.1:${port}\r\n` +
      'Content-Length: 183\r\n' +
      '\r\n' +
      '{"inputs":[{"name":"features","shape":[1,5],"datatype":"FP32","data":[800.0,0.5,120.0,200.0,4000.0]}],' +
      '"outputs":[{"name":"probability_of_default","parameters":{"binary_data":false}}]}',
  );

/** The JSON part of `binaryBatchRequest`: 155 bytes, its Inference-Header-Content-Length. */
const BINARY_BATCH_JSON =
  '{"id":"req-7","inputs":[{"name":"features","shape":[2,5],"datatype":"FP32","parameters":{"binary_data_size":40}}],' +
  '"parameters":{"binary_data_output":true}}';

/**
 * `set_data_from_numpy(np.array([risky, loyal], np.float32))` (binary_data=True, the default),
 * then `client.infer('credit_risk', [input], model_version='1', request_id='req-7')`: the JSON,
 * then the 40 bytes of the tensor, Inference-Header-Content-Length giving the JSON's length.
 */
const binaryBatchRequest = (port: number) =>
  Buffer.concat([
    Buffer.from(
      'POST /v2/models/credit_risk/versions/1/infer HTTP/1.1\r\n' +
        'User-Agent: python/gevent-http-client-2.3.8\r\n' +
        'Inference-Header-Content-Length: 155\r\n' +
        `Host: 127.0.0.1:${port}\r\n` +
        'Content-Length: 195\r\n' +
        '\r\n' +
        BINARY_BATCH_JSON,
    ),
    Buffer.from(RISKY_CUSTOMER_FP32 + LOYAL_CUSTOMER_FP32, 'hex'),
  ]);

/** Binary input, and `outputs=[InferRequestedOutput('scores')]`, whose binary_data defaults to True. */
const binaryRequestBinaryOutput = (port: number) =>
  Buffer.concat([
    Buffer.from(
      'POST /v2/models/product_recommendation/infer HTTP/1.1\r\n' +
        'User-Agent: python/gevent-http-client-2.3.8\r\n' +
        'Inference-Header-Content-Length: 165\r\n' +
        `Host: 127.0.0.1:${port}\r\n` +
        'Content-Length: 181\r\n' +
        '\r\n' +
        '{"inputs":[{"name":"features","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}],' +
        '"outputs":[{"name":"scores","parameters":{"binary_data":true}}]}',
    ),
    Buffer.from(SHOPPER_FP32, 'hex'),
  ]);

const fp32Input = (rows: number[][]): TritonInput => ({
  name: 'features',
  shape: [rows.length, rows[0].length],
  datatype: 'FP32',
  binary: Buffer.from(Float32Array.from(rows.flat()).buffer),
});

/** One element of each kind a datatype has at its edges, as numpy arrays of shape [3] hold them. */
interface Sample {
  /** The tensor's bytes, numpy's `tobytes()` (or serialize_byte_tensor for BYTES). */
  binary: Buffer;
  /** What tritonclient's as_numpy gives back from those bytes. */
  elements: NumpyElement[];
  /** The same datatype in JSON, where JSON carries it: what the client sends and gets back. */
  json?: unknown[];
}

const bytesOf = (array: ArrayBufferView) => Buffer.from(array.buffer, array.byteOffset, array.byteLength);
const sample = (array: ArrayBufferView & ArrayLike<number | bigint>, json?: unknown[]): Sample => ({
  binary: bytesOf(array),
  elements: Array.from(array),
  json,
});

const SAMPLES: Record<ServedDatatype, Sample> = {
  BOOL: { binary: Buffer.from([1, 0, 1]), elements: [true, false, true], json: [true, false, true] },
  UINT8: sample(Uint8Array.from([0, 255, 7]), [0, 255, 7]),
  UINT16: sample(Uint16Array.from([0, 65_535, 300]), [0, 65_535, 300]),
  UINT32: sample(Uint32Array.from([0, 4_294_967_295, 70_000]), [0, 4_294_967_295, 70_000]),
  // Binary carries 64-bit integers whole; JSON numbers only up to 2^53.
  UINT64: sample(BigUint64Array.from([0n, 2n ** 64n - 1n, 2n ** 53n + 1n]), [0, 2 ** 53 - 1, 7]),
  INT8: sample(Int8Array.from([-128, 127, 0]), [-128, 127, 0]),
  INT16: sample(Int16Array.from([-32_768, 32_767, -1]), [-32_768, 32_767, -1]),
  INT32: sample(Int32Array.from([-2_147_483_648, 2_147_483_647, -1]), [-2_147_483_648, 2_147_483_647, -1]),
  INT64: sample(BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n, -(2n ** 53n + 1n)]), [
    -(2 ** 53 - 1),
    2 ** 53 - 1,
    0,
  ]),
  // 1, -2 and 65504 (the largest FP16), as their 16 bits; JSON has no FP16.
  FP16: { binary: bytesOf(Uint16Array.from([0x3c00, 0xc000, 0x7bff])), elements: [1, -2, 65_504] },
  FP32: sample(Float32Array.from([0.1, -3.5, 1e-30]), [0.5, -3.25, 1e-30].map(Math.fround)),
  FP64: sample(Float64Array.from([Math.PI, -0, 1e300]), [Math.PI, 0, 1e300]),
  BYTES: {
    binary: serializeByteTensor(['', 'héllo wörld', 'tab\tand\nnewline']),
    elements: ['', 'héllo wörld', 'tab\tand\nnewline'].map((text) => Buffer.from(text, 'utf8')),
    json: ['', 'héllo wörld', 'tab\tand\nnewline'],
  },
};

const DATATYPES = Object.keys(SERVED_DATATYPES) as ServedDatatype[];

/** Every input of the datatypes model, binary unless `jsonFor` says otherwise. */
const datatypeInputs = (jsonFor: (datatype: ServedDatatype) => boolean = () => false): TritonInput[] =>
  DATATYPES.map((datatype) => {
    const { binary, json } = SAMPLES[datatype];
    const input = { name: `x_${datatype}`, shape: [3], datatype };
    return jsonFor(datatype) && json ? { ...input, json } : { ...input, binary };
  });

describe('ModelServingModule as tritonclient.http speaks to it', () => {
  let modelsDir: string;
  let service: RunningService;
  let port: number;

  beforeAll(async () => {
    modelsDir = generateDemoModels();
    writeDatatypesModel(modelsDir);
    service = await startModelService(modelsDir);
    port = (service.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await service.app.close();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  const send = (request: Buffer) => exchange(port, request);
  const fp32Elements = (result: TritonInferResult, name: string) =>
    result.asNumpy(name)?.elements as number[];
  const expectClose = (actual: number[], expected: number[]) => {
    expect(actual).toHaveLength(expected.length);
    actual.forEach((value, index) => expect(value).toBeCloseTo(expected[index], FLOAT32_TOLERANCE_DIGITS));
  };
  /** A 200 with binary outputs, framed as the extension has it: JSON, then exactly their bytes. */
  const expectBinaryAnswer = (answer: RawResponse) => {
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/octet-stream');
    expect(answer.headers['content-encoding']).toBeUndefined();
    const jsonLength = Number(answer.headers['inference-header-content-length']);
    const result = new TritonInferResult(answer);
    const binarySizes = result.response.outputs.map((output) => output.parameters?.binary_data_size ?? 0);
    expect(answer.body.length).toBe(jsonLength + binarySizes.reduce((sum, size) => sum + size, 0));
    return result;
  };

  it('advertises the binary tensor data extension in its server metadata', async () => {
    const answer = await send(geventRequest(port, 'GET', '/v2', Buffer.alloc(0)));
    expect(JSON.parse(answer.body.toString())).toMatchObject({ extensions: ['binary_tensor_data'] });
  });

  it('builds its requests as the client does: the harness gives the literal bytes of the fixtures', () => {
    const body = tritonRequestBody({ id: 'req-7', inputs: [fp32Input([riskyCustomer, loyalCustomer])] });
    expect(tritonInfer(port, { model: 'credit_risk', version: '1', request: body })).toEqual(
      binaryBatchRequest(port),
    );
    expect(bytesOf(Float32Array.from(shopper)).toString('hex')).toBe(SHOPPER_FP32);
  });

  it('takes JSON without a Content-Type, and answers binary_data_output in binary', async () => {
    const result = expectBinaryAnswer(await send(jsonRequestAllOutputsBinary(port)));
    expect(result.response).toEqual({
      model_name: 'credit_risk',
      model_version: '1',
      outputs: [
        {
          name: 'probability_of_default',
          datatype: 'FP32',
          shape: [1, 1],
          parameters: { binary_data_size: 4 },
        },
      ],
    });
    expectClose(
      fp32Elements(result, 'probability_of_default'),
      referenceOutput(demoModels.credit_risk, riskyCustomer),
    );
  });

  it('answers in JSON an output asked for with binary_data false', async () => {
    const answer = await send(jsonRequestJsonOutput(port));
    expect(answer.status).toBe(200);
    expect(answer.headers['inference-header-content-length']).toBeUndefined();
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    const result = new TritonInferResult(answer);
    expect(result.response.outputs[0]).toMatchObject({ name: 'probability_of_default', shape: [1, 1] });
    expect(result.response.outputs[0].parameters).toBeUndefined();
    expectClose(
      fp32Elements(result, 'probability_of_default'),
      referenceOutput(demoModels.credit_risk, riskyCustomer),
    );
  });

  it('takes a binary batch on a version’s path, echoing the id', async () => {
    const result = expectBinaryAnswer(await send(binaryBatchRequest(port)));
    expect(result.response).toMatchObject({ id: 'req-7', model_version: '1' });
    expect(result.asNumpy('probability_of_default')?.shape).toEqual([2, 1]);
    expectClose(fp32Elements(result, 'probability_of_default'), [
      ...referenceOutput(demoModels.credit_risk, riskyCustomer),
      ...referenceOutput(demoModels.credit_risk, loyalCustomer),
    ]);
  });

  it('answers a named output in binary, as InferRequestedOutput asks by default', async () => {
    const result = expectBinaryAnswer(await send(binaryRequestBinaryOutput(port)));
    expect(result.response.outputs).toEqual([
      { name: 'scores', datatype: 'FP32', shape: [1, 5], parameters: { binary_data_size: 20 } },
    ]);
    expectClose(fp32Elements(result, 'scores'), referenceOutput(demoModels.product_recommendation, shopper));
  });

  it.each(['gzip', 'deflate'] as const)(
    'takes a body compressed with %s (request_compression_algorithm), and answers uncompressed',
    async (compression) => {
      const request = tritonRequestBody({ inputs: [fp32Input([loyalCustomer])] });
      const answer = await send(
        tritonInfer(port, {
          model: 'credit_risk',
          request,
          requestCompression: compression,
          responseCompression: compression,
        }),
      );
      const result = expectBinaryAnswer(answer);
      expectClose(
        fp32Elements(result, 'probability_of_default'),
        referenceOutput(demoModels.credit_risk, loyalCustomer),
      );
    },
  );

  it('round-trips every datatype it serves in binary, 64-bit integers, FP16 and BYTES included', async () => {
    const request = tritonRequestBody({ inputs: datatypeInputs() });
    const result = expectBinaryAnswer(await send(tritonInfer(port, { model: 'datatypes', request })));
    for (const datatype of DATATYPES) {
      expect({ datatype, ...result.asNumpy(`y_${datatype}`) }).toEqual({
        datatype,
        shape: [3],
        elements: SAMPLES[datatype].elements,
      });
    }
  });

  it('mixes JSON and binary inputs, and answers each output as it is asked: binary or JSON', async () => {
    const request = tritonRequestBody({
      inputs: datatypeInputs((datatype) => datatype !== 'FP16'),
      outputs: DATATYPES.map((datatype, index) => ({
        name: `y_${datatype}`,
        binaryData: datatype === 'FP16' || index % 2 === 0,
      })),
    });
    const result = expectBinaryAnswer(await send(tritonInfer(port, { model: 'datatypes', request })));
    DATATYPES.forEach((datatype, index) => {
      const output = result.response.outputs[index];
      const inBinary = datatype === 'FP16' || index % 2 === 0;
      expect({ datatype, binary: output.parameters !== undefined }).toEqual({ datatype, binary: inBinary });
      // What was sent: the JSON values, or FP16's bits; what as_numpy makes of them depends on the way back.
      const { elements, json = [] } = SAMPLES[datatype];
      const expected = datatype === 'FP16' ? elements : inBinary ? jsonAsNumpy(datatype, json) : json;
      expect({ datatype, elements: result.asNumpy(`y_${datatype}`)?.elements }).toEqual({
        datatype,
        elements: expected,
      });
    });
  });

  it('takes KServe’s InferenceRESTClient request: octet-stream with model_name, id and binary data', async () => {
    // InferRequest.to_rest (kserve python/kserve/kserve/protocol/infer_type.py 717-787, orjson) and
    // the headers InferenceRESTClient.infer adds (inference_client.py 493-497).
    const json = Buffer.from(
      '{"id":"5c5fbc4e-3b3c-4a8a-9a27-7e1f0f7a4c11","model_name":"credit_risk","inputs":[{"name":"features",' +
        '"shape":[1,5],"datatype":"FP32","parameters":{"binary_data_size":20}}],"parameters":{"binary_data_output":true}}',
    );
    const body = Buffer.concat([json, Buffer.from(RISKY_CUSTOMER_FP32, 'hex')]);
    const answer = await send(
      geventRequest(port, 'POST', '/v2/models/credit_risk/infer', body, [
        ['inference-header-content-length', String(json.length)],
        ['content-type', 'application/octet-stream'],
      ]),
    );
    // InferResponse.from_bytes with the answer's header (inference_client.py 517-521).
    const result = expectBinaryAnswer(answer);
    expect(result.response.id).toBe('5c5fbc4e-3b3c-4a8a-9a27-7e1f0f7a4c11');
    expectClose(
      fp32Elements(result, 'probability_of_default'),
      referenceOutput(demoModels.credit_risk, riskyCustomer),
    );
  });

  it('takes the C++ client’s JSON: Content-Type application/json and a header length of the whole body', async () => {
    // triton client src/c++/library/http_client.cc 2198-2207: the header always, JSON's Content-Type.
    const body = Buffer.from(
      '{"inputs":[{"name":"features","shape":[1,5],"datatype":"FP32","data":[800,0.5,120,200,4000]}],' +
        '"outputs":[{"name":"probability_of_default","parameters":{"binary_data":false}}]}',
    );
    const answer = await send(
      geventRequest(port, 'POST', '/v2/models/credit_risk/infer', body, [
        ['Inference-Header-Content-Length', String(body.length)],
        ['Content-Type', 'application/json'],
      ]),
    );
    expect(answer.status).toBe(200);
    expectClose(
      fp32Elements(new TritonInferResult(answer), 'probability_of_default'),
      referenceOutput(demoModels.credit_risk, riskyCustomer),
    );
  });

  describe('refuses with 400 and the protocol’s { "error" }, which tritonclient raises', () => {
    /** The fixture batch request with its JSON, binary part or header length changed. */
    const alteredBatch = (changes: { json?: string; binary?: Buffer; headerLength?: string }) => {
      const json = Buffer.from(changes.json ?? BINARY_BATCH_JSON);
      const binary = changes.binary ?? Buffer.from(RISKY_CUSTOMER_FP32 + LOYAL_CUSTOMER_FP32, 'hex');
      return geventRequest(port, 'POST', '/v2/models/credit_risk/infer', Buffer.concat([json, binary]), [
        ['Inference-Header-Content-Length', changes.headerLength ?? String(json.length)],
      ]);
    };
    const datatypesRequest = (inputs: TritonInput[], outputs?: { name: string; binaryData: boolean }[]) =>
      tritonInfer(port, { model: 'datatypes', request: tritonRequestBody({ inputs, outputs }) });
    const withInput = (datatype: ServedDatatype, change: Partial<TritonInput>) =>
      datatypeInputs().map((input) => (input.datatype === datatype ? { ...input, ...change } : input));

    it.each<[string, () => Buffer, string]>([
      [
        'a binary_data_size that is not shape × element size',
        () =>
          alteredBatch({ json: BINARY_BATCH_JSON.replace('"binary_data_size":40', '"binary_data_size":36') }),
        'input features has binary_data_size 36, but 10 FP32 elements (shape [2, 5]) take 40 bytes',
      ],
      [
        'an Inference-Header-Content-Length past the end of the body',
        () => alteredBatch({ headerLength: '400' }),
        'Inference-Header-Content-Length is 400, past the end of the 195-byte body',
      ],
      [
        'an Inference-Header-Content-Length that is not a byte count',
        () => alteredBatch({ headerLength: '1e2' }),
        'Inference-Header-Content-Length must be a byte count, not 1e2',
      ],
      [
        'binary data cut short',
        () => alteredBatch({ binary: Buffer.from(RISKY_CUSTOMER_FP32, 'hex') }),
        'input features has binary_data_size 40, but only 20 bytes of binary data are left in the body ' +
          '(binary data follows the Inference-Header-Content-Length bytes of JSON)',
      ],
      [
        'binary data that no input declares',
        () =>
          alteredBatch({
            binary: Buffer.from(RISKY_CUSTOMER_FP32 + LOYAL_CUSTOMER_FP32 + '00000000', 'hex'),
          }),
        "the body has 4 bytes of binary data beyond the 40 that the inputs' binary_data_size declare",
      ],
      [
        'a BYTES element longer than its data',
        () => datatypesRequest(withInput('BYTES', { binary: Buffer.from('0500000061', 'hex') })),
        'input x_BYTES: element 0 is 5 bytes long, past the end of the binary data',
      ],
      [
        'BYTES with fewer elements than the shape',
        () => datatypesRequest(withInput('BYTES', { binary: serializeByteTensor(['a', 'b']) })),
        'input x_BYTES: its binary data holds 2 elements, but its shape holds 3',
      ],
      [
        'BYTES that are not UTF-8',
        () =>
          datatypesRequest(
            withInput('BYTES', { binary: serializeByteTensor(['a', Buffer.from([0xff]), 'c']) }),
          ),
        "input x_BYTES: element 1 is not UTF-8 text, which this server's BYTES are",
      ],
      [
        'BYTES with a NUL byte, which onnxruntime would cut short',
        () => datatypesRequest(withInput('BYTES', { binary: serializeByteTensor(['a', 'b\u0000c', 'd']) })),
        'input x_BYTES: element 1 holds a NUL byte, which onnxruntime strings cannot',
      ],
      [
        'a BOOL byte other than 0 or 1',
        () => datatypesRequest(withInput('BOOL', { binary: Buffer.from([1, 2, 0]) })),
        'input x_BOOL: element 1 is 2, not 0 or 1 (false or true)',
      ],
      [
        'FP16 in JSON',
        () => datatypesRequest(withInput('FP16', { binary: undefined, json: [1, -2, 65_504] })),
        'input x_FP16 is FP16, which JSON cannot carry: send it as binary data (binary_data_size)',
      ],
      [
        'an FP16 output asked for in JSON',
        () => datatypesRequest(datatypeInputs(), [{ name: 'y_FP16', binaryData: false }]),
        'output y_FP16 is FP16, which JSON cannot carry: ask for it as binary data (binary_data or binary_data_output)',
      ],
      [
        'BF16, which this server cannot hold',
        () => datatypesRequest(withInput('FP32', { datatype: 'BF16' })),
        'input x_FP32 has datatype BF16, but the model takes FP32',
      ],
      [
        'an output asked for twice',
        () =>
          datatypesRequest(datatypeInputs(), [
            { name: 'y_INT8', binaryData: true },
            { name: 'y_INT8', binaryData: false },
          ]),
        'output y_INT8 is asked for twice',
      ],
      [
        'shared memory, an extension it does not offer',
        () =>
          alteredBatch({
            json: BINARY_BATCH_JSON.replace(
              '"binary_data_size":40',
              '"shared_memory_region":"input0","shared_memory_byte_size":40',
            ),
          }),
        'input features asks for shared memory (shared_memory_region), which this server does not offer',
      ],
      [
        'a classification output, an extension it does not offer',
        () =>
          alteredBatch({
            json: BINARY_BATCH_JSON.replace(
              '"parameters":{"binary_data_output":true}',
              '"outputs":[{"name":"probability_of_default","parameters":{"classification":1,"binary_data":true}}]',
            ),
          }),
        'output probability_of_default asks for classification results (classification), which this server does not offer',
      ],
      [
        'a binary_data that is not a boolean',
        () =>
          alteredBatch({
            json: BINARY_BATCH_JSON.replace('"binary_data_output":true', '"binary_data_output":"yes"'),
          }),
        'binary_data_output of the request must be a boolean',
      ],
      [
        'a gzip Content-Encoding on a body that is not gzip',
        () =>
          geventRequest(port, 'POST', '/v2/models/credit_risk/infer', Buffer.from('{}'), [
            ['Content-Encoding', 'gzip'],
          ]),
        'the request body is not gzip data: incorrect header check',
      ],
    ])('%s', async (_case, request, error) => {
      const answer = await send(request());
      expect({ status: answer.status, body: JSON.parse(answer.body.toString('utf8')) }).toEqual({
        status: 400,
        body: { error },
      });
    });

    it('binary data without Inference-Header-Content-Length, read as JSON', async () => {
      const body = Buffer.concat([Buffer.from(BINARY_BATCH_JSON), Buffer.from(RISKY_CUSTOMER_FP32, 'hex')]);
      const answer = await send(geventRequest(port, 'POST', '/v2/models/credit_risk/infer', body));
      expect(answer.status).toBe(400);
      expect(tritonError(answer)).toMatch(/^the inference request is not JSON: /);
    });

    it('a Content-Encoding it does not speak, with 415', async () => {
      const answer = await send(
        geventRequest(port, 'POST', '/v2/models/credit_risk/infer', Buffer.from('{}'), [
          ['Content-Encoding', 'br'],
        ]),
      );
      expect({ status: answer.status, error: tritonError(answer) }).toEqual({
        status: 415,
        error: 'Content-Encoding br is not supported; send gzip, deflate or none',
      });
    });
  });
});

/** What the client's as_numpy gives for JSON elements sent and answered in binary: 64-bit as bigint. */
function jsonAsNumpy(datatype: ServedDatatype, json: unknown[]): NumpyElement[] {
  if (datatype === 'INT64' || datatype === 'UINT64') return json.map((value) => BigInt(value as number));
  if (datatype === 'BYTES') return json.map((value) => Buffer.from(value as string, 'utf8'));
  return json as NumpyElement[];
}

describe('ModelServingModule’s limit on inference bodies (INFERENCE_MAX_BODY_BYTES)', () => {
  const LIMIT = 200;
  let modelsDir: string;
  let service: RunningService;
  let port: number;

  beforeAll(async () => {
    modelsDir = generateDemoModels();
    service = await startModelService(modelsDir, { INFERENCE_MAX_BODY_BYTES: String(LIMIT) });
    port = (service.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await service.app.close();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  const tooLarge = { status: 413, error: `the request body is larger than ${LIMIT} bytes` };
  const outcome = (answer: RawResponse) => ({ status: answer.status, error: tritonError(answer) });
  const paddedJson = (bytes: number) => Buffer.from(`{"inputs":[],"padding":"${'x'.repeat(bytes)}"}`);

  it('takes a body up to the limit', async () => {
    const request = tritonRequestBody({ inputs: [fp32Input([riskyCustomer])] });
    expect(request.body.length).toBeLessThanOrEqual(LIMIT);
    expect((await exchange(port, tritonInfer(port, { model: 'credit_risk', request }))).status).toBe(200);
  });

  it('refuses with 413 a body whose Content-Length is over it', async () => {
    const answer = await exchange(
      port,
      geventRequest(port, 'POST', '/v2/models/credit_risk/infer', paddedJson(LIMIT)),
    );
    expect(outcome(answer)).toEqual(tooLarge);
  });

  it('refuses with 413 a chunked body once it grows over it', async () => {
    const chunk = paddedJson(LIMIT);
    const request = Buffer.concat([
      Buffer.from(
        'POST /v2/models/credit_risk/infer HTTP/1.1\r\n' +
          `Host: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n`,
      ),
      chunk,
      Buffer.from('\r\n0\r\n\r\n'),
    ]);
    expect(outcome(await exchange(port, request))).toEqual(tooLarge);
  });

  it('refuses with 413 a compressed body that inflates over it', async () => {
    const compressed = gzipSync(paddedJson(10 * LIMIT));
    expect(compressed.length).toBeLessThan(LIMIT);
    const answer = await exchange(
      port,
      geventRequest(port, 'POST', '/v2/models/credit_risk/infer', compressed, [['Content-Encoding', 'gzip']]),
    );
    expect(outcome(answer)).toEqual(tooLarge);
  });
});
