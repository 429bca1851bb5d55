// What rank 0 of `sweep run` prepares before any trial runs: the plan checked whole, the
// results file opened (or created last), the trials left to run, and where the jobs come from.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/state_file.h"
#include "results/store/store.h"
#include "sweep/cli/cli.h"
#include "sweep/commands/kept_checkpoints.h"
#include "sweep/mpi/layout.h"
#include "sweep/offline/plan.h"

namespace sweep {

// Where the jobs of a sweep come from (the grid's `search` and `scheduler` keys).
enum class SearchKind {
  kList,        // grid or random search: the plan's trials, longest first
  kAsha,        // successive halving over the plan's trials
  kTpe,         // model-based search: trials made as the results come in
  kTpeHalving,  // TPE suggesting the configurations that successive halving trains
};

// The search kind of a grid's search settings.
SearchKind search_kind_of(const SearchSettings& s);

// Everything rank 0 prepares before any trial runs. Bad input leaves `code` at 2 with
// nothing written.
struct Prepared {
  std::optional<Plan> plan;
  std::optional<results::Store> store;
  SearchKind kind = SearchKind::kList;
  std::vector<std::size_t> order;            // kList: the trials to run, longest first
  std::vector<std::size_t> members;          // the trials of this sweep (its shard's)
  std::vector<results::StoredTrial> stored;  // asha, tpe, --keep-best, stopping: the file's rows
  std::optional<KeptCheckpoints> keep;       // --keep-best
  Target target;
  std::size_t skipped = 0, in_shard = 0;
  // The trials saved mid-way by an earlier run that this one continues first (a list's `order`,
  // or TPE's): trial id -> the state's header, and the state files that cannot be used (their
  // trials start again).
  std::map<std::uint64_t, StateHeader> saved;
  std::vector<std::string> unusable_states;
  int per_trial = 1;  // ranks_per_trial
  int code = kExitOk;
  // Successive halving, with or without TPE: the training states are kept between rungs.
  bool halving() const { return kind == SearchKind::kAsha || kind == SearchKind::kTpeHalving; }
};

// Reads and checks the grid and its data, opens or creates the results file (last, so that bad
// input writes nothing) and works out the trials left to run. Never throws: an error is
// printed to stderr and its exit code left in `code`.
Prepared prepare_run(const CliCommand& cmd, const NodeFacts& facts, int world_size);

}  // namespace sweep
