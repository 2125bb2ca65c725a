"""`python -m mock_server`: the same as `carriyo-sandbox serve`."""

from .cli import serve_main

serve_main()
