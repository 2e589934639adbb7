import { elementProblem, oipDatatypeOf, tensorData } from './oip-datatypes';

describe('Open Inference Protocol datatypes', () => {
  it('names onnxruntime types as the protocol does, leaving out the ones it cannot serve', () => {
    expect(
      ['float32', 'float16', 'float64', 'int64', 'bool', 'string'].map((type) =>
        oipDatatypeOf(type as never),
      ),
    ).toEqual(['FP32', 'FP16', 'FP64', 'INT64', 'BOOL', 'BYTES']);
    expect(oipDatatypeOf('int4')).toBeUndefined();
  });

  it.each([
    ['float32', null, 'not a finite number'],
    ['float32', '1.5', 'not a finite number'],
    ['float64', Number.NaN, 'not a finite number'],
    ['int32', 2.5, 'not an integer'],
    ['uint8', 256, 'out of the uint8 range'],
    ['int8', -129, 'out of the int8 range'],
    ['bool', 1, 'not a boolean'],
    ['string', 7, 'not a string'],
    ['string', 'a\u0000b', 'a string that holds a NUL byte, which onnxruntime strings cannot'],
  ])('refuses a %s element %p: %s', (type, value, problem) => {
    expect(elementProblem(type as never, value)).toBe(problem);
  });

  it('accepts elements that fit their type', () => {
    expect([
      elementProblem('float32', -0.5),
      elementProblem('int64', 2 ** 40),
      elementProblem('bool', false),
    ]).toEqual([undefined, undefined, undefined]);
  });

  it('builds the typed data onnxruntime takes', () => {
    expect(tensorData('int64', [1, -2])).toEqual(BigInt64Array.from([1n, -2n]));
    expect(tensorData('bool', [true, false])).toEqual(Uint8Array.from([1, 0]));
    expect(tensorData('float32', [0.5])).toEqual(Float32Array.from([0.5]));
    expect(tensorData('string', ['a'])).toEqual(['a']);
  });
});
