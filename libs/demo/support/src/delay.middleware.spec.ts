import type { Request, Response } from 'express';
import { EventEmitter } from 'node:events';
import { delayMiddleware } from './delay.middleware';

describe('delayMiddleware', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const request = {} as Request;
  const response = () => new EventEmitter() as unknown as Response;

  it('passes a request on at once when the delay is 0', () => {
    const next = jest.fn();
    delayMiddleware(0)(request, response(), next);
    expect(next).toHaveBeenCalledTimes(1);
  });

  it('passes a request on only once the delay is over', () => {
    const next = jest.fn();
    delayMiddleware(250)(request, response(), next);
    jest.advanceTimersByTime(249);
    expect(next).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(next).toHaveBeenCalledTimes(1);
  });

  it('drops a request whose client went away during the delay', () => {
    const next = jest.fn();
    const res = response();
    delayMiddleware(250)(request, res, next);
    res.emit('close');
    jest.advanceTimersByTime(1000);
    expect(next).not.toHaveBeenCalled();
  });
});
