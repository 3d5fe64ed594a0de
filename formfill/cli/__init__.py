"""The command line: one module per command group over the core (entry point
:func:`formfill.cli.main.main`); the commands hold no rules of their own."""
