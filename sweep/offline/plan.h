// A sweep made ready to run: the grid read and checked, expanded, its data set probed and
// every trial's cost estimated. Shared by `sweep run`, `sweep plan` and `sweep status`; no MPI,
// no LibTorch (the backbone check that needs it comes in through PlanChecks).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/trial.h"
#include "core/trial_set.h"
#include "sweep/cli/cli.h"
#include "sweep/data/data_check.h"
#include "sweep/grid/grid.h"
#include "sweep/search/shard.h"
#include "worker/data/raw_images.h"

namespace sweep {

struct Plan {
  Grid grid;
  TrialSet trials;
  std::vector<double> costs;  // relative to the cheapest trial (which is 1.0)
  worker::DataInfo data;
  double data_check_seconds = 0;  // reading and checking the data sets
};

// What make_plan checks besides the grid.
struct PlanChecks {
  DataCheck data = DataCheck::kWhole;
  // Bytes of memory one training rank may use (0: unknown, not checked): a trial whose model,
  // gradients and optimizer state alone need more is refused before anything runs.
  double memory_per_rank = 0;
  // Runs each TorchScript backbone on one image (worker::check_backbone_inputs, which needs
  // LibTorch) when the data are checked whole; none when empty (`status`).
  std::function<void(const std::vector<TrialSpec>&, const worker::DataInfo&)> backbones;
};

// Reads GRID, applies the command-line overrides, checks, expands, checks the data sets as
// `checks.data` says and each trial's memory floor against `checks.memory_per_rank`. Throws
// GridError on a bad grid or override or a trial that cannot fit, DataError naming the file
// and item or line on missing or malformed data.
Plan make_plan(const std::string& grid_path,
               const std::vector<std::pair<std::string, std::string>>& overrides,
               const PlanChecks& checks = {});

// The memory one training rank of `ranks` on this node may use: what the node has available
// (within the job's cgroup) divided among them; 0 when unknown.
double training_memory_per_rank(int ranks);

// The parameter set a results file is written for, as text: the data set and the sorted
// names of the other keys that change trial ids and that the grid or the command line set,
// e.g. "dataset=fashion_mnist; keys: epochs filters learning_rate".
std::string parameter_set(const Grid& grid);

// Throws GridError naming `path` and both sets when the file's parameter set `in_file` ("" for
// files that do not record one: accepted) differs from the grid's `in_grid`.
void check_parameter_set(const std::string& path, const std::string& in_file,
                         const std::string& in_grid);

// What one process works on: its shard of the grid (none = all) and its results file.
struct Target {
  std::optional<Shard> shard;
  std::string out;
};

// Resolves --shard (or the array job's variables in `env`) and the results file of `cmd`.
// Throws UsageError on a malformed shard.
Target resolve_target(const CliCommand& cmd, const EnvLookup& env);

// The trials of `plan` in `shard` (all when none), by index into plan.trials.
std::vector<std::size_t> shard_members(const Plan& plan, const std::optional<Shard>& shard);

// The human-readable plan: trial count, axes, data set, the first `show` trials in the order
// they will run with their relative cost, and how many `done_ids` will be skipped.
std::string describe_plan(const Plan& plan, const Target& target,
                          const std::vector<std::size_t>& order, std::size_t skipped,
                          std::size_t show);

}  // namespace sweep
