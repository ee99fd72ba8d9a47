// The VS Code client of the nnet language server: starts `java -jar nnet.jar lsp` over stdio and
// lets vscode-languageclient do the rest (diagnostics, hover, definitions, completion, hints).
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

/** The server jar: the `nnet.server.jar` setting, else the one bundled in server/. */
function serverJar(context) {
  const configured = vscode.workspace.getConfiguration('nnet').get('server.jar');
  return configured ? configured : context.asAbsolutePath(path.join('server', 'nnet.jar'));
}

async function start(context) {
  const jar = serverJar(context);
  if (!fs.existsSync(jar)) {
    vscode.window.showErrorMessage(`nnet: no server at ${jar}. Set "nnet.server.jar" to a built nnet.jar.`);
    return;
  }
  const java = vscode.workspace.getConfiguration('nnet').get('server.java') || 'java';
  const run = { command: java, args: ['-jar', jar, 'lsp'], transport: TransportKind.stdio };
  client = new LanguageClient('nnet', 'nnet language server', { run, debug: run }, {
    documentSelector: [{ scheme: 'file', language: 'nnet' }, { scheme: 'untitled', language: 'nnet' }],
  });
  await client.start();
}

async function stop() {
  if (client) {
    const c = client;
    client = undefined;
    await c.stop();
  }
}

async function activate(context) {
  context.subscriptions.push(vscode.commands.registerCommand('nnet.restartServer', async () => {
    await stop();
    await start(context);
  }));
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(async (e) => {
    if (e.affectsConfiguration('nnet.server')) {
      await stop();
      await start(context);
    }
  }));
  await start(context);
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
