"""A second process for the embedded-server tests: one command per stdin line, JSON replies.

Usage: ``python _embedded_client.py <data dir>``, then send lines:

    acquire        -> {"socket": ..., "pid": <server pid>}
    write <name>   -> {"ok": true}          (CREATE (:Item {name: <name>}) in graph "shared")
    read           -> {"names": [...]}      (sorted names of every :Item)
    release        -> {"ok": true}
    exit           -> process exits
"""

from __future__ import annotations

import json
import sys

import falkordb

from graphmem.store._embedded import EmbeddedFalkorDB


def main() -> None:
    server = EmbeddedFalkorDB(sys.argv[1])
    graph = None
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command == "acquire":
            socket = server.acquire()
            graph = falkordb.FalkorDB(unix_socket_path=socket).select_graph("shared")
            reply: dict[str, object] = {"socket": socket, "pid": server.server_pid()}
        elif command == "write" and graph is not None:
            graph.query("CREATE (:Item {name: $name})", {"name": arg})
            reply = {"ok": True}
        elif command == "read" and graph is not None:
            rows = graph.query("MATCH (i:Item) RETURN i.name ORDER BY i.name").result_set
            reply = {"names": [row[0] for row in rows]}
        elif command == "release":
            server.release()
            reply = {"ok": True}
        elif command == "exit":
            return
        else:
            reply = {"error": f"unknown command {line.strip()!r}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
