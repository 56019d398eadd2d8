import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, isResolverList, toServerSettings } from '../../server/src/lsp/settings';

test('resolver addresses from the settings are pasted into configs only when they are addresses', () => {
  assert.ok(isResolverList('8.8.8.8 1.1.1.1'));
  assert.ok(isResolverList('[2001:4860:4860::8888]:53 dns.example.net'));
  assert.ok(!isResolverList('1.1.1.1; x'));
  assert.ok(!isResolverList('1.1.1.1 }'));
  assert.ok(!isResolverList('   '));
  assert.equal(toServerSettings({ quickFix: { resolvers: '1.1.1.1; include /etc/passwd' } }).resolvers, DEFAULT_SETTINGS.resolvers);
  assert.equal(toServerSettings({ quickFix: { resolvers: ' 9.9.9.9 ' } }).resolvers, '9.9.9.9');
});

test('rule severities: overrides and off are kept, "default" and unknown values fall back', () => {
  const s = toServerSettings({ rules: { 'stapling-missing': 'off', 'unknown-directive': 'hint', 'session-tickets-mismatch': 'default', x: 'loud' } });
  assert.deepEqual(s.severities, { 'stapling-missing': 'off', 'unknown-directive': 'hint' });
});
