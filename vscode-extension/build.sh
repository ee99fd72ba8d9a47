#!/usr/bin/env bash
# Builds the VS Code extension (nnet.vsix, with the server jar inside) and runs its tests.
# Needs Node.js 18+ with npm, and cli/target/nnet.jar (`mvn -B -pl cli -am package -DskipTests`).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
npm run package
npm test
