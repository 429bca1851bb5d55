#!/usr/bin/env python3
"""The include rules of ARCHITECTURE.md, checked on every #include line of the sources.

  include_rules.py ROOT              check the tree at ROOT; exit 1 naming each broken rule
  include_rules.py --self-test ROOT  prove the check can fail: copies of ROOT, each with one
                                     forbidden include added, must each be rejected

Each source file (.h, .cpp, outside tests/ and build folders) belongs to the room of its
folder. A room may include project headers of the rooms it lists ("..." includes) and no
system header another room owns (<mpi.h>, HDF5, LibTorch, Boost).
"""
import os
import re
import shutil
import sys
import tempfile

# room -> project folders it may include ("..." includes; its own folder always)
ROOMS = {
    "core/": [],
    "worker/data/": ["core/"],
    "worker/config/": ["core/", "worker/data/"],
    "worker/models/": ["core/", "worker/config/"],
    "worker/tensors/": ["core/", "worker/data/", "worker/config/", "worker/worker.h",
                        "worker/trial_group.h"],
    "worker/training/": ["core/", "worker/data/", "worker/config/", "worker/models/",
                         "worker/tensors/", "worker/worker.h", "worker/trial_group.h"],
    "worker/predict/": ["core/", "worker/data/", "worker/config/", "worker/models/",
                        "worker/tensors/", "worker/training/", "worker/worker.h"],
    "worker/": ["core/"],  # its face (worker.h, trial_group.h) and what joins the rooms
    "results/h5/": ["core/"],
    "results/store/": ["core/", "results/h5/"],
    "results/analysis/": ["core/", "results/h5/", "results/store/"],
    "results/report/": ["core/", "results/store/", "results/analysis/"],
    "sweep/grid/": ["core/"],
    "sweep/search/": ["core/", "sweep/grid/", "worker/data/", "worker/config/"],
    "sweep/mpi/": ["core/", "sweep/search/", "worker/"],
    "sweep/data/": ["core/", "worker/data/", "results/"],
    "sweep/cli/": ["core/"],
    "sweep/offline/": ["core/", "sweep/cli/", "sweep/grid/", "sweep/search/", "sweep/data/",
                       "worker/data/", "worker/config/", "results/"],
    "sweep/commands/": ["core/", "sweep/cli/", "sweep/offline/", "sweep/grid/", "sweep/search/",
                        "sweep/mpi/", "sweep/data/", "worker/", "results/"],
    "sweep/main.cpp": ["core/", "sweep/cli/", "sweep/offline/"],
    "sweep/torch_main.cpp": ["core/", "sweep/cli/", "sweep/commands/", "sweep/mpi/"],
}

# system headers -> the rooms that may include them
OWNED = [
    (re.compile(r"^mpi\.h$"), ["sweep/mpi/"], "mpi.h"),
    (re.compile(r"^(hdf5|H5[A-Za-z_]*)\.h$"), ["results/h5/", "results/store/"], "HDF5"),
    (re.compile(r"^(torch|ATen|c10)/"),
     ["worker/", "worker/models/", "worker/tensors/", "worker/training/", "worker/predict/"],
     "LibTorch"),
    (re.compile(r"^boost/"), ["sweep/grid/", "sweep/cli/", "sweep/commands/"], "Boost"),
]

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
SKIP_DIRS = {"tests", ".git", ".ci"}


def room_of(path):
    best = None
    for room in ROOMS:
        if path == room or (room.endswith("/") and path.startswith(room)):
            if best is None or len(room) > len(best):
                best = room
    return best


def sources(root):
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        dirnames[:] = [d for d in dirnames
                       if not (rel_dir == "." and (d in SKIP_DIRS or d.startswith("build")))
                       and not d.startswith(".")]
        for f in filenames:
            if f.endswith((".h", ".cpp")):
                yield os.path.normpath(os.path.join(rel_dir, f)).replace(os.sep, "/")


def check(root):
    """Returns the broken rules, one text each, naming file:line."""
    problems = []
    for path in sorted(sources(root)):
        room = room_of(path)
        if room is None:
            problems.append(f"{path}: in no room of ARCHITECTURE.md (add the folder to the rules)")
            continue
        # a folder room includes its own folder; a one-file room (sweep/main.cpp) only its list
        allowed = ([room] if room.endswith("/") else []) + ROOMS[room]
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                kind, name = m.groups()
                for pattern, owners, what in OWNED:
                    if pattern.search(name) and room not in owners:
                        problems.append(f"{path}:{n}: includes {name}: only "
                                        f"{', '.join(owners)} may include {what}")
                if kind == '"' and "/" in name:
                    if not any(name.startswith(a) for a in allowed):
                        problems.append(f"{path}:{n}: includes \"{name}\": {room} may include "
                                        f"{', '.join(allowed)} only")
    return problems


# Forbidden includes the self-test adds, one at a time: (file to add it to, include line).
INJECTIONS = [
    ("core/trial.h", "#include <torch/torch.h>"),
    ("core/trial.h", "#include <mpi.h>"),
    ("core/keys.cpp", "#include <hdf5.h>"),
    ("core/keys.cpp", '#include "sweep/grid/grid.h"'),
    ("core/trial_id.cpp", '#include "worker/worker.h"'),
    ("core/trial_id.cpp", '#include "results/store/store.h"'),
    ("worker/training/run_trial.cpp", "#include <mpi.h>"),
    ("worker/worker.h", "#include <hdf5.h>"),
    ("worker/worker.h", '#include "sweep/mpi/session.h"'),
    ("results/store/store.cpp", "#include <torch/torch.h>"),
    ("results/store/store.cpp", "#include <mpi.h>"),
    ("results/analysis/rank.cpp", '#include "sweep/cli/cli.h"'),
    ("sweep/commands/run_command.cpp", "#include <mpi.h>"),
    ("sweep/search/asha.cpp", '#include "sweep/mpi/session.h"'),
    ("sweep/grid/grid.cpp", '#include "sweep/cli/cli.h"'),
    ("worker/data/idx_reader.cpp", "#include <torch/torch.h>"),
    ("worker/data/data_source.cpp", '#include "worker/models/model.h"'),
    ("worker/config/model_shape.cpp", "#include <torch/torch.h>"),
    ("worker/config/trial_settings.cpp", '#include "worker/worker.h"'),
    ("sweep/search/scheduler.cpp", '#include "worker/models/model.h"'),
    ("sweep/offline/plan.cpp", '#include "worker/worker.h"'),
    ("sweep/offline/rank_command.cpp", '#include "sweep/commands/commands.h"'),
    ("sweep/offline/rank_command.cpp", "#include <mpi.h>"),
    ("sweep/main.cpp", '#include "sweep/commands/commands.h"'),
    ("sweep/cli/cli.cpp", '#include "results/store/store.h"'),
    ("worker/models/cnn.cpp", '#include "worker/training/optimizer.h"'),
    ("worker/tensors/augment.cpp", '#include "worker/models/model.h"'),
    ("worker/training/optimizer.cpp", '#include "worker/predict/predict.h"'),
    ("worker/training/optimizer.cpp", '#include "worker/backbone_check.cpp"'),
    ("results/h5/table.cpp", '#include "results/store/store.h"'),
    ("results/store/merge.cpp", '#include "results/analysis/rank.h"'),
    ("results/analysis/rank.cpp", '#include "results/report/report_data.h"'),
    ("results/analysis/export.cpp", "#include <hdf5.h>"),
    ("results/report/report_html.cpp", '#include "results/h5/h5.h"'),
]


def self_test(root):
    if check(root):
        print("self-test: the tree itself breaks the rules; run the check first")
        return 1
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for target, line in INJECTIONS:
            copy = os.path.join(tmp, "tree")
            shutil.rmtree(copy, ignore_errors=True)
            for top in ("core", "worker", "results", "sweep"):
                shutil.copytree(os.path.join(root, top), os.path.join(copy, top))
            with open(os.path.join(copy, target), "a") as f:
                f.write("\n" + line + "\n")
            found = check(copy)
            if not any(p.startswith(target + ":") for p in found):
                print(f"self-test: adding `{line}` to {target} was not caught")
                failures += 1
        # A file in a folder that no rule covers is an error too.
        stray = os.path.join(copy, "sweep", "stray")
        os.makedirs(stray)
        open(os.path.join(stray, "x.cpp"), "w").close()
        if not any(p.startswith("sweep/stray/x.cpp") for p in check(copy)):
            print("self-test: a file outside every room was not caught")
            failures += 1
    print(f"self-test: {len(INJECTIONS) + 1 - failures} of {len(INJECTIONS) + 1} "
          "forbidden layouts rejected")
    return 1 if failures else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        return self_test(argv[2])
    if len(argv) != 2:
        print(__doc__)
        return 2
    problems = check(argv[1])
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include rule(s) broken (see ARCHITECTURE.md)")
        return 1
    print(f"include rules: {sum(1 for _ in sources(argv[1]))} files, all within their rooms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
