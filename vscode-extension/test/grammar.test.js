// The TextMate grammar against the scope assertions in test/grammar/*.test.nnet.
const { test } = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

test('grammar scopes match the assertions', () => {
  const root = path.join(__dirname, '..');
  const cli = require.resolve('vscode-tmgrammar-test/dist/unit.js');
  const r = spawnSync(process.execPath, [cli, '-g', 'syntaxes/nnet.tmLanguage.json', 'test/grammar/*.test.nnet'],
    { cwd: root, encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stdout + r.stderr);
});
