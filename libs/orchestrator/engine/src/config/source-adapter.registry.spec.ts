import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SourceAdapterFor, type SourceAdapter } from '@libs/core/sources';
import { EMPTY } from 'rxjs';
import { EndpointConfigurationModule } from './endpoint-configuration.module';
import { SourceAdapterRegistry } from './source-adapter.registry';

@Injectable()
@SourceAdapterFor('api')
class ApiAdapter implements SourceAdapter {
  readonly type = 'api';
  execute() {
    return EMPTY;
  }
}

@Injectable()
@SourceAdapterFor('text')
class TextAdapter implements SourceAdapter {
  readonly type = 'text';
  execute() {
    return EMPTY;
  }
}

@Injectable()
@SourceAdapterFor('text')
class OtherTextAdapter extends TextAdapter {}

@Injectable()
@SourceAdapterFor('audio')
class NotAnAdapter {}

/** Backends live in modules of their own, which the registry never imports. */
@Module({ providers: [ApiAdapter], exports: [ApiAdapter] })
class ApiModule {}

@Module({ providers: [TextAdapter] })
class TextModule {}

async function registryWith(...imports: (new () => unknown)[]) {
  const moduleRef = await Test.createTestingModule({
    imports: [EndpointConfigurationModule, ...imports],
  }).compile();
  return moduleRef.get(SourceAdapterRegistry);
}

describe('SourceAdapterRegistry', () => {
  it('finds the adapter of each type in every module of the application', async () => {
    const registry = await registryWith(ApiModule, TextModule);

    expect([...registry.adapters.entries()]).toEqual([
      ['api', expect.any(ApiAdapter)],
      ['text', expect.any(TextAdapter)],
    ]);
  });

  it('refuses two adapters for one type', async () => {
    @Module({ providers: [OtherTextAdapter] })
    class OtherTextModule {}
    const registry = await registryWith(TextModule, OtherTextModule);

    expect(() => registry.adapters).toThrow(
      'source type "text" has two adapters: TextAdapter and OtherTextAdapter',
    );
  });

  it('refuses a marked provider that cannot execute', async () => {
    @Module({ providers: [NotAnAdapter] })
    class BrokenModule {}
    const registry = await registryWith(BrokenModule);

    expect(() => registry.adapters).toThrow(
      'NotAnAdapter is marked as the adapter of source type "audio" but has no execute()',
    );
  });
});
