"""The ``sillok`` command line: thin Typer commands over the archive services."""
