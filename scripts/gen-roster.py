#!/usr/bin/env python3
"""Writes a synthetic roster CSV for `tandem match` benchmarks.

Usage: gen-roster.py ROWS [SEED] > roster.csv

Deterministic for a given ROWS and SEED (default 1): 40 skills, 3 offered and
3 wanted per person, 25 teams, 4 time zones, levels 2-6, a manager for one in
ten people and a do-not-pair entry for one in twenty - the same shape as the
rosters of `cargo bench --bench engine`.
"""
import csv
import random
import sys

ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "Europe/Madrid"]
SKILLS = [f"skill {i}" for i in range(40)]


def main():
    rows = int(sys.argv[1])
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["id", "name", "team", "level", "timezone", "offers", "wants", "manager", "do_not_pair"])
    for i in range(rows):
        offers = sorted(set(rng.sample(SKILLS, 3)))
        wants = sorted(set(rng.sample(SKILLS, 3)))
        manager = f"p{rng.randrange(i)}" if i > 10 and rng.random() < 0.1 else ""
        avoid = f"p{rng.randrange(rows)}" if rng.random() < 0.05 else ""
        if avoid == f"p{i}":
            avoid = ""
        out.writerow([
            f"p{i}", f"Person {i}", f"team {rng.randrange(25)}", rng.randint(2, 6),
            rng.choice(ZONES), ";".join(offers), ";".join(wants), manager, avoid,
        ])


if __name__ == "__main__":
    main()
