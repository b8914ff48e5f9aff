"""Path search over a read view: graph, search, ranking by the flow engine, exhaustive reference."""
