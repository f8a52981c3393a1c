"""Starting a command or the server loads no heavy library it may not use.

statsmodels, scipy, followthemoney, datasketch and anonlink took seconds of CPU to load,
and every ``sillok`` command paid them (``sillok --help`` spent 7.4 CPU-s, 3.3 once they
were loaded where used). A fresh interpreter shows what starting really loads."""

import subprocess
import sys

HEAVY = ("statsmodels", "scipy", "pandas", "followthemoney", "datasketch", "anonlink")


def test_commands_and_server_start_without_heavy_libraries() -> None:
    probe = ("import sys, sillok.cli.main, sillok.web.app; "
             f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=600)
    assert out.stdout.split() == []
