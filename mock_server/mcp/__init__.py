"""Carriyo's MCP order tools over the sandbox's own service (issue 27, docs/mcp.md).

`catalogue` names the two published families' tools and their parameters, `calls` runs one tool
through the REST operation's own handler and service method, `server` is the MCP server of the
official SDK, `http` serves it at `/mcp` beside the REST API, `stdio` on standard input and output.
"""
