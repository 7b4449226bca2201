// LEMON as a peer of Tandem's matcher: times lemon::MaxWeightedMatching on
// one graph that the Rust benchmark (benches/matching.rs) wrote.
//
// Built by scripts/bench-peers.sh when liblemon-dev is installed:
//   g++ -O2 -std=c++17 benches/lemon_peer.cpp -llemon -o ...
// Usage: lemon_peer GRAPH_FILE [RUNS]
// GRAPH_FILE: first line "n m", then m lines "a b weight".
// Prints one JSON object: the median seconds over RUNS runs (default 5) of
// the solve alone (init() + start(), the graph already built; building it
// is not timed) and the matching's weight.
#include <lemon/list_graph.h>
#include <lemon/matching.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: lemon_peer GRAPH_FILE [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? std::atoi(argv[2]) : 5;
    std::FILE* in = std::fopen(argv[1], "r");
    if (!in) {
        std::perror(argv[1]);
        return 1;
    }
    long n = 0, m = 0;
    if (std::fscanf(in, "%ld %ld", &n, &m) != 2) {
        std::fprintf(stderr, "bad header\n");
        return 1;
    }
    lemon::ListGraph g;
    std::vector<lemon::ListGraph::Node> nodes;
    nodes.reserve(n);
    for (long i = 0; i < n; ++i) nodes.push_back(g.addNode());
    lemon::ListGraph::EdgeMap<long long> weight(g);
    for (long k = 0; k < m; ++k) {
        long a, b;
        long long w;
        if (std::fscanf(in, "%ld %ld %lld", &a, &b, &w) != 3) {
            std::fprintf(stderr, "bad edge %ld\n", k);
            return 1;
        }
        weight[g.addEdge(nodes[a], nodes[b])] = w;
    }
    std::fclose(in);

    std::vector<double> times;
    long long total = 0;
    for (int r = 0; r < std::max(runs, 1); ++r) {
        lemon::MaxWeightedMatching<lemon::ListGraph, lemon::ListGraph::EdgeMap<long long>> solver(
            g, weight);
        auto start = std::chrono::steady_clock::now();
        solver.init();
        solver.start();
        auto stop = std::chrono::steady_clock::now();
        times.push_back(std::chrono::duration<double>(stop - start).count());
        total = solver.matchingWeight();
    }
    std::sort(times.begin(), times.end());
    std::printf("{\"lemon_s\": %.6f, \"lemon_weight\": %lld}\n", times[times.size() / 2], total);
    return 0;
}
