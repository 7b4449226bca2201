#!/usr/bin/env python3
"""Writes a synthetic roster CSV for `tandem match` benchmarks.

Usage: gen-roster.py ROWS [SEED] [--skewed] > roster.csv

Deterministic for a given ROWS and SEED (default 1): 40 skills, 3 offered and
3 wanted per person, 25 teams, 4 time zones, levels 2-6, a manager for one in
ten people and a do-not-pair entry for one in twenty - the same shape as the
rosters of `cargo bench --bench engine`.

--skewed: the shape of issue 15's scale figure - 40 skills of which 5 "hot"
ones are wanted by half the people (offered no more than any other), 200
teams, 6 time zones: many equally good candidates, the hard case for
candidate generation.
"""
import csv
import random
import sys

ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "Europe/Madrid"]
SKEWED_ZONES = ZONES + ["Asia/Kolkata", "America/Chicago"]
SKILLS = [f"skill {i}" for i in range(40)]
HOT = SKILLS[:5]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    skewed = "--skewed" in sys.argv[1:]
    rows = int(args[0])
    rng = random.Random(int(args[1]) if len(args) > 1 else 1)
    zones = SKEWED_ZONES if skewed else ZONES
    teams = 200 if skewed else 25
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["id", "name", "team", "level", "timezone", "offers", "wants", "manager", "do_not_pair"])
    for i in range(rows):
        offers = sorted(set(rng.sample(SKILLS, 3)))
        if skewed and rng.random() < 0.5:
            # Half the people want hot skills: two of the five, and one more.
            wanted = rng.sample(HOT, 2) + rng.sample(SKILLS[5:], 1)
        else:
            wanted = rng.sample(SKILLS, 3)
        wants = sorted(set(wanted))
        manager = f"p{rng.randrange(i)}" if i > 10 and rng.random() < 0.1 else ""
        avoid = f"p{rng.randrange(rows)}" if rng.random() < 0.05 else ""
        if avoid == f"p{i}":
            avoid = ""
        out.writerow([
            f"p{i}", f"Person {i}", f"team {rng.randrange(teams)}", rng.randint(2, 6),
            rng.choice(zones), ";".join(offers), ";".join(wants), manager, avoid,
        ])


if __name__ == "__main__":
    main()
