// The packaged .vsix carries the server jar and what VS Code needs to load the extension.
const { test } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

/** The file names in a zip archive, read from its central directory. */
function zipEntries(file) {
  const buf = fs.readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) {
    eocd--;
  }
  assert.ok(eocd >= 0, 'not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names = new Map();
  for (let i = 0; i < count; i++) {
    assert.strictEqual(buf.readUInt32LE(at), 0x02014b50, 'central directory entry');
    const size = buf.readUInt32LE(at + 24);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    names.set(buf.toString('utf8', at + 46, at + 46 + nameLen), size);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

test('the vsix bundles the server jar, the client and the grammar', () => {
  const vsix = path.join(__dirname, '..', 'nnet.vsix');
  assert.ok(fs.existsSync(vsix), 'run `npm run package` first');
  const entries = zipEntries(vsix);
  const jar = entries.get('extension/server/nnet.jar');
  assert.ok(jar > 1_000_000, `server/nnet.jar is in the vsix (${jar} bytes)`);
  for (const f of ['extension/package.json', 'extension/extension.js', 'extension/syntaxes/nnet.tmLanguage.json',
    'extension/language-configuration.json', 'extension/node_modules/vscode-languageclient/package.json']) {
    assert.ok(entries.has(f), `${f} is in the vsix`);
  }
  assert.ok(![...entries.keys()].some((n) => n.includes('vsce/')), 'build tools are left out');
});
