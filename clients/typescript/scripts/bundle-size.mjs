// Prints the SDK's size as an app would ship it: one minified ES module bundle, raw and gzipped.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

const result = await build({
  entryPoints: ['src/index.ts'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  write: false,
});
const code = result.outputFiles[0].contents;
const gz = gzipSync(code, { level: 9 }).length;
const line = `SDK bundle: ${code.length} bytes minified, ${gz} bytes gzip`;
writeFileSync('dist/bundle-size.json', JSON.stringify({ minified: code.length, gzip: gz }) + '\n');
console.log(line);
