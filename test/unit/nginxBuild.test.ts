// The server's one implicit process: `nginx -V`, read once per binary, its result logged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NginxBuildSource, runNginxV } from '../../server/src/system/nginxBuild';
import { findNginx } from '../support/nginxBinary';

const nginx = findNginx();

/** A source whose reads are awaited through the onRead callback or the log line of a failure. */
function sourceWithLog(): { source: NginxBuildSource; log: string[]; settled: Promise<void> } {
  const log: string[] = [];
  let done: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => { done = resolve; });
  const source = new NginxBuildSource((line) => {
    log.push(line);
    if (/version stays unknown/.test(line)) done();
  }, () => done());
  return { source, log, settled };
}

test('a real nginx -V gives the version and OpenSSL, logged once however often it is selected', { skip: nginx ? false : 'nginx not installed' }, async () => {
  const { source, log, settled } = sourceWithLog();
  source.select(nginx as string);
  source.select(nginx as string);
  await settled;
  source.select(nginx as string);
  const build = source.build();
  assert.match(build?.nginxVersion ?? '', /^\d+\.\d+\.\d+$/);
  assert.equal(log.filter((l) => l.startsWith('running ')).length, 1);
  assert.match(log.join('\n'), new RegExp(`-V: nginx ${build?.nginxVersion.replace(/\./g, '\\.')}, OpenSSL \\d`));
});

test('a missing binary leaves the version unknown with one clear line', async () => {
  const { source, log, settled } = sourceWithLog();
  source.select('/nonexistent/nginx');
  await settled;
  assert.equal(source.build(), undefined);
  assert.deepEqual(log.slice(1), ['/nonexistent/nginx not found: the nginx version stays unknown (set nginxTls.nginxVersion or nginxTls.nginxBinary)']);
  assert.deepEqual(await runNginxV('/bin/true'), { error: '/bin/true -V did not print "nginx version: nginx/X.Y.Z"' });
});
