"""Times the Python peers on one graph that the Rust benchmark wrote.

Usage: peers.py GRAPH_FILE NETWORKX_MAX_N
GRAPH_FILE: first line "n m", then m lines "a b weight".
Prints one JSON object: seconds and matching weight for each peer run.
"""
import json
import sys
import time


def main():
    path, nx_max = sys.argv[1], int(sys.argv[2])
    with open(path) as f:
        n, m = map(int, f.readline().split())
        edges = [tuple(map(int, line.split())) for line in f]
    out = {}
    import rustworkx

    g = rustworkx.PyGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    start = time.perf_counter()
    mates = rustworkx.max_weight_matching(g, max_cardinality=False, weight_fn=lambda w: w, verify_optimum=False)
    out["rustworkx_s"] = time.perf_counter() - start
    w = {(min(a, b), max(a, b)): x for a, b, x in edges}
    out["rustworkx_weight"] = sum(w[(min(a, b), max(a, b))] for a, b in mates)
    if n <= nx_max:
        import networkx

        h = networkx.Graph()
        h.add_nodes_from(range(n))
        h.add_weighted_edges_from(edges)
        start = time.perf_counter()
        mates = networkx.max_weight_matching(h)
        out["networkx_s"] = time.perf_counter() - start
        out["networkx_weight"] = sum(w[(min(a, b), max(a, b))] for a, b in mates)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
