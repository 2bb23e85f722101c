#!/usr/bin/env bash
# Regenerate the README's configuration reference from the binaries, so it
# always matches the code (test/docs checks that it does).
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build >/dev/null
python3 - "$@" <<'PY'
import re, subprocess
readme = open("README.md").read()
for name in ("resourcemanager", "nodemanager"):
    table = subprocess.run([f"bin/{name}", "config-reference"], check=True, capture_output=True, text=True).stdout
    begin, end = f"<!-- BEGIN {name} reference -->", f"<!-- END {name} reference -->"
    readme = re.sub(re.escape(begin) + r".*?" + re.escape(end), begin + "\n" + table + end, readme, flags=re.S)
open("README.md", "w").write(readme)
PY
echo "README.md reference regenerated"
