"""`python -m mock_server`: the same as `carriyo-sandbox serve`."""

from .run.cli import serve_main

serve_main()
