// Validate several workbooks in one Node process (the SDK's WebAssembly runtime takes
// seconds to start): `node validate.mjs OFFICE_VERSION FILE...` prints one JSON object,
// {file: [errors as the SDK reports them]}. Macro-enabled files are spreadsheets too.
import { readFile } from "node:fs/promises";
import validate from "@ooxml-tools/validate";

const [officeVersion, ...files] = process.argv.slice(2);
const results = {};
for (const file of files) {
  results[file] = await validate(await readFile(file), "xlsx", officeVersion);
}
console.log(JSON.stringify(results));
process.exit(0);
