import { Controller, Get, Module } from '@nestjs/common';
import { configurationModule } from '@libs/core/config';
import { loggingModule } from '@libs/core/http';
import { startService, type RunningService } from '@libs/core/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { Caller, type CompositeCaller } from './composite-caller.decorator';

const callers: CompositeCaller[] = [];

@Controller('caller')
class CallerController {
  /** Answers the first request at once; later ones wait until their caller's signal aborts. */
  @Get()
  async caller(@Caller() caller: CompositeCaller): Promise<{ requestId: string }> {
    callers.push(caller);
    await sleep(callers.length === 1 ? 0 : 5_000, undefined, { signal: caller.signal }).catch(
      () => undefined,
    );
    return { requestId: caller.requestId };
  }
}

describe('@Caller()', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService(async () => {
      @Module({
        imports: [configurationModule({}), loggingModule('caller-test')],
        controllers: [CallerController],
      })
      class CallerTestModule {}
      return CallerTestModule;
    });
  });
  afterAll(() => service.app.close());

  it("gives the request's id, and a signal that stays quiet once the answer is written", async () => {
    const res = await fetch(`${service.url}/caller`, { headers: { 'x-request-id': 'caller-1' } });
    expect(await res.json()).toEqual({ requestId: 'caller-1' });
    await sleep(20);
    expect(callers[0].signal.aborted).toBe(false);
  });

  it('aborts the signal when the client goes away before the answer', async () => {
    const client = new AbortController();
    const answer = fetch(`${service.url}/caller`, { signal: client.signal }).catch(() => 'aborted');
    while (callers.length < 2) await sleep(5);
    client.abort();
    expect(await answer).toBe('aborted');
    for (let i = 0; i < 200 && !callers[1].signal.aborted; i++) await sleep(5);
    expect(callers[1].signal.aborted).toBe(true);
    expect((callers[1].signal.reason as Error).message).toBe('the client went away');
  });
});
