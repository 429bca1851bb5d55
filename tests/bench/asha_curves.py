"""Best test accuracy against epochs spent, for a grid's and an ASHA sweep's results files.

usage: asha_curves.py GRID.h5 ASHA.h5 CURVES.csv
Rows are taken in the order they finished; a grid row costs its epochs, an ASHA rung row the
epochs it added to the rung below. Prints a summary and a table at fractions of the grid's
epochs, and writes every point of both curves to CURVES.csv (sweep, epochs, best_test_acc).
"""
import csv
import sys

import h5py


def curve(path):
    rows = sorted(h5py.File(path, "r", swmr=True)["trials"][:], key=lambda r: r["finished_unix"])
    reached = {}  # trial id -> epochs trained so far
    spent, best, points = 0, 0.0, []
    for r in rows:
        if r["status"] != b"ok":
            continue
        tid = int(r["trial_id"])
        spent += int(r["epochs_run"]) - reached.get(tid, 0)
        reached[tid] = int(r["epochs_run"])
        best = max(best, float(r["test_acc"]))
        points.append((spent, best))
    return rows, points


def main():
    grid_rows, grid = curve(sys.argv[1])
    asha_rows, asha = curve(sys.argv[2])
    with open(sys.argv[3], "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["sweep", "epochs", "best_test_acc"])
        for name, pts in (("grid", grid), ("asha", asha)):
            for e, b in pts:
                w.writerow([name, e, f"{b:.4f}"])
    top = max(int(r["rung"]) for r in asha_rows)
    finals = [r for r in asha_rows if int(r["rung"]) == top and r["status"] == b"ok"]
    pick = max(finals, key=lambda r: r["val_acc"])
    g_best, a_best = grid[-1][1], asha[-1][1]
    print(f"grid: best test_acc {g_best:.4f} after {grid[-1][0]} epochs ({len(grid)} trials)")
    print(f"asha: best test_acc {a_best:.4f} after {asha[-1][0]} epochs ({len(asha)} rung results), "
          f"{100 * asha[-1][0] / grid[-1][0]:.0f}% of the grid's epochs; "
          f"{100 * (g_best - a_best):+.2f} pp behind the grid")
    print(f"asha's pick (best val_acc at the top rung): test_acc {pick['test_acc']:.4f}")
    print("epochs spent | grid best so far | asha best so far")
    for frac in (1 / 9, 2 / 9, 1 / 3, 2 / 3, 1):
        e = round(frac * grid[-1][0])
        at = lambda pts: max([b for x, b in pts if x <= e], default=float("nan"))
        print(f"{e:12d} | {at(grid):16.4f} | {at(asha):.4f}")


main()
