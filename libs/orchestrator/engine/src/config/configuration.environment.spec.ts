import { interpolateEnvironment } from './configuration.environment';

describe('interpolateEnvironment', () => {
  it('replaces ${NAME} and ${NAME:-default} in every string, and leaves references alone', () => {
    expect(
      interpolateEnvironment(
        {
          base_url: '${API_URL:-http://127.0.0.1:3010}',
          headers: { 'X-Region': '${REGION}-${ZONE:-a}', Empty: '${EMPTY:-fallback}', Set: '${EMPTY}' },
          list: ['${REGION}', 3, null],
          reference: '${profile.name} ${lower_case}',
        },
        { REGION: 'eu', EMPTY: '' },
      ),
    ).toEqual({
      value: {
        base_url: 'http://127.0.0.1:3010',
        headers: { 'X-Region': 'eu-a', Empty: 'fallback', Set: '' },
        list: ['eu', 3, null],
        reference: '${profile.name} ${lower_case}',
      },
      unset: [],
    });
  });

  it('reports each unset variable without a default, where it is, and leaves it as written', () => {
    expect(interpolateEnvironment({ auth: { header: 'Token ${TOKEN}' } }, {})).toEqual({
      value: { auth: { header: 'Token ${TOKEN}' } },
      unset: [{ path: ['auth', 'header'], name: 'TOKEN' }],
    });
  });
});
