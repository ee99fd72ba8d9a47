// Copies the shaded nnet.jar (built by `mvn -pl cli -am package`) into server/, where the
// extension starts it from; the .vsix then carries its own server.
const fs = require('fs');
const path = require('path');

const source = process.env.NNET_JAR || path.join(__dirname, '..', '..', 'cli', 'target', 'nnet.jar');
if (!fs.existsSync(source)) {
  console.error(`nnet.jar not found at ${source}: build it with \`mvn -B -pl cli -am package -DskipTests\``);
  process.exit(1);
}
const target = path.join(__dirname, '..', 'server', 'nnet.jar');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.copyFileSync(source, target);
console.log(`bundled ${source} -> server/nnet.jar`);
