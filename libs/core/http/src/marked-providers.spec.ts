import { Injectable, Module, SetMetadata } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { markedProviders } from './marked-providers';

const PLUGIN = 'test:plugin';
const PluginFor = (name: string) => SetMetadata(PLUGIN, name);

@Injectable()
@PluginFor('csv')
class CsvPlugin {
  run() {
    return 'csv';
  }
}

@Injectable()
@PluginFor('json')
class JsonPlugin extends CsvPlugin {}

@Injectable()
@PluginFor('csv')
class OtherCsvPlugin extends CsvPlugin {}

@Injectable()
@PluginFor('xml')
class NotAPlugin {}

@Injectable()
class Unmarked {}

/** Exported, and so reachable from the module that imports it too: still one instance. */
@Module({ providers: [CsvPlugin], exports: [CsvPlugin] })
class CsvModule {}

async function pluginsOf(...providers: (new () => unknown)[]) {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule, CsvModule],
    providers,
  }).compile();
  return markedProviders<CsvPlugin>(moduleRef.get(DiscoveryService), moduleRef.get(Reflector), PLUGIN, {
    role: (name) => `the ${name} plugin`,
    owner: (name) => `format ${name}`,
    plural: 'plugins',
    method: 'run',
  });
}

describe('markedProviders', () => {
  it('finds one provider per mark in every module, module by module, unmarked ones aside', async () => {
    const plugins = await pluginsOf(JsonPlugin, Unmarked);

    // The testing module's own providers first, then those of the modules it imports.
    expect([...plugins.keys()]).toEqual(['json', 'csv']);
    expect(plugins.get('json')).toBeInstanceOf(JsonPlugin);
  });

  it('refuses two providers for one mark, and a marked provider without the method', async () => {
    await expect(pluginsOf(OtherCsvPlugin)).rejects.toThrow(
      'format csv has two plugins: OtherCsvPlugin and CsvPlugin',
    );
    await expect(pluginsOf(NotAPlugin)).rejects.toThrow(
      'NotAPlugin is marked as the xml plugin but has no run()',
    );
  });
});
