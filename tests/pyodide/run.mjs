// Run tests/pyodide/driver.py in Pyodide under Node, as xlwings Lite runs a workbook's code:
// Pyodide's own numpy and pandas through loadPackage, pure wheels through micropip.
//   node run.mjs INDEX_DIR REQUEST_JSON WHEEL...
// The driver's answer (JSON) is the last line but one on stdout, Node's timings the last.
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPyodide } from "pyodide";

const here = dirname(fileURLToPath(import.meta.url));
const [indexDir, requestPath, ...wheels] = process.argv.slice(2);
const now = () => performance.now() / 1000;

const t0 = now();
const pyodide = await loadPyodide({ indexURL: indexDir + "/", stdout: () => {}, stderr: (s) => process.stderr.write(s + "\n") });
const t1 = now();
// what Pyodide's own loader serves (Lite has these from its Pyodide release)
await pyodide.loadPackage(["numpy", "pandas", "micropip"], { messageCallback: () => {} });
const t2 = now();
pyodide.FS.mkdirTree("/wheels");
for (const wheel of wheels) {
  pyodide.FS.writeFile("/wheels/" + basename(wheel), readFileSync(wheel));
}
pyodide.FS.mkdirTree("/harness");
for (const name of ["driver.py", "lite_cases.py"]) {
  pyodide.FS.writeFile("/harness/" + name, readFileSync(join(here, name)));
}
pyodide.FS.writeFile("/harness/request.json", readFileSync(requestPath));
const t3 = now();
const answer = await pyodide.runPythonAsync(`
import sys
sys.path.insert(0, "/harness")
import driver
await driver.main("/harness/request.json")
`);
// the answer as Python wrote it (JSON.parse would turn 6.0 into 6), then the timings
process.stdout.write("\n" + answer + "\n");
process.stdout.write(JSON.stringify({ load_pyodide_s: t1 - t0, load_packages_s: t2 - t1, copy_files_s: t3 - t2 }) + "\n");
