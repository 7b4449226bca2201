"""Times the Python peers on one graph that the Rust benchmark wrote.

Usage: peers.py GRAPH_FILE NETWORKX_MAX_N [RUNS]
GRAPH_FILE: first line "n m", then m lines "a b weight".
Prints one JSON object: the median seconds over RUNS runs (default 5) and
the matching weight for each peer.

What is timed: only the library's max_weight_matching call, on a graph
already built in its own structure (building it is not timed). For
rustworkx that call includes its Python weight callback, invoked once per
edge (`weight_fn=lambda w: w`, the documented way to pass integer weights);
for networkx it is the whole pure-Python algorithm.
"""
import json
import statistics
import sys
import time


def median_time(runs, solve):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = solve()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    path, nx_max = sys.argv[1], int(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    with open(path) as f:
        n, m = map(int, f.readline().split())
        edges = [tuple(map(int, line.split())) for line in f]
    out = {}
    import rustworkx

    g = rustworkx.PyGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    out["rustworkx_s"], mates = median_time(
        runs,
        lambda: rustworkx.max_weight_matching(g, max_cardinality=False, weight_fn=lambda w: w, verify_optimum=False),
    )
    w = {(min(a, b), max(a, b)): x for a, b, x in edges}
    out["rustworkx_weight"] = sum(w[(min(a, b), max(a, b))] for a, b in mates)
    if n <= nx_max:
        import networkx

        h = networkx.Graph()
        h.add_nodes_from(range(n))
        h.add_weighted_edges_from(edges)
        # networkx needs seconds to minutes per run: fewer runs.
        out["networkx_s"], mates = median_time(min(runs, 3), lambda: networkx.max_weight_matching(h))
        out["networkx_weight"] = sum(w[(min(a, b), max(a, b))] for a, b in mates)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
