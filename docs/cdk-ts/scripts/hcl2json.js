// Parses every .tf file of a folder with HashiCorp's HCL parser (@cdktf/hcl2json, the Go parser
// compiled to WebAssembly) and writes each as JSON: node scripts/hcl2json.js <tf folder> <output folder>.
const fs = require('fs');
const path = require('path');
const { parse } = require('@cdktf/hcl2json');

async function main([source, output]) {
  fs.mkdirSync(output, { recursive: true });
  for (const name of fs.readdirSync(source).filter((file) => file.endsWith('.tf')).sort()) {
    const json = await parse(name, fs.readFileSync(path.join(source, name), 'utf8'));
    fs.writeFileSync(path.join(output, `${name}.json`), JSON.stringify(json, null, 2));
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error);
  process.exit(1);
});
