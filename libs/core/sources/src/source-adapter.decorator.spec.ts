import { Injectable } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { EMPTY } from 'rxjs';
import type { SourceAdapter } from './source-adapter';
import { SOURCE_ADAPTER_TYPE, SourceAdapterFor } from './source-adapter.decorator';

@Injectable()
@SourceAdapterFor('api')
class ApiAdapter implements SourceAdapter {
  readonly type = 'api';
  execute() {
    return EMPTY;
  }
}

@Injectable()
class NotAnAdapter {}

describe('SourceAdapterFor', () => {
  it('lets the engine discover the adapter of each type among all providers', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule],
      providers: [ApiAdapter, NotAnAdapter],
    }).compile();
    const reflector = moduleRef.get(Reflector);
    const found = moduleRef
      .get(DiscoveryService)
      .getProviders()
      .flatMap(({ metatype, instance }) => {
        const type: unknown = metatype && reflector.get(SOURCE_ADAPTER_TYPE, metatype);
        return type ? [[type, instance]] : [];
      });
    expect(found).toEqual([['api', expect.any(ApiAdapter)]]);
  });
});
