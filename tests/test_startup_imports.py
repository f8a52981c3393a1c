"""Starting a command or the server loads no heavy library it may not use.

statsmodels, scipy, followthemoney, datasketch, anonlink and splink (with duckdb and
pyarrow) took seconds of CPU to load, and every ``sillok`` command paid them: importing the
CLI took 7.9-9.8 CPU-s, 3.3-3.9 once they were loaded where used (three runs each on a
shared machine, 2026-12-07). A fresh interpreter shows what starting really loads."""

import subprocess
import sys

HEAVY = ("statsmodels", "scipy", "pandas", "followthemoney", "datasketch", "anonlink", "splink",
         "duckdb", "pyarrow")


def test_commands_and_server_start_without_heavy_libraries() -> None:
    probe = ("import sys, sillok.cli.main, sillok.web.app; "
             f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=600)
    assert out.stdout.split() == []
