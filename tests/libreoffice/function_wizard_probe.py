"""Run by LibreOffice's Python (not by pytest): what Calc's Function Wizard knows about
our functions. Starts soffice headless on the profile given, connects over a pipe, reads
the service com.sun.star.sheet.FunctionDescriptions (the Wizard's own list) and prints
it as JSON: {name: {"description", "category", "arguments": [[name, description, optional]]}}.

    python3 function_wizard_probe.py PROFILE_URL SOFFICE
"""

import json
import subprocess
import sys
import time

import uno


def main(profile_url: str, soffice: str) -> None:
    pipe = f"talentneeds_probe_{time.monotonic_ns()}"
    office = subprocess.Popen([soffice, f"-env:UserInstallation={profile_url}", "--headless", "--norestore",
                               "--nologo", f"--accept=pipe,name={pipe};urp;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
        for _ in range(240):
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.25)
        else:
            raise SystemExit("LibreOffice did not answer")
        descriptions = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.sheet.FunctionDescriptions", context)
        found = {}
        for i in range(descriptions.getCount()):
            props = {p.Name: p.Value for p in descriptions.getByIndex(i)}
            if props.get("Name", "").isupper() and props.get("Category") == 11:  # Add-In
                found[props["Name"]] = {
                    "description": props.get("Description"), "category": props.get("Category"),
                    "arguments": [[a.Name, a.Description, a.IsOptional] for a in props.get("Arguments", ())]}
        print(json.dumps(found))
        try:
            context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context).terminate()
        except Exception:
            pass  # the bridge goes away as the office quits
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
