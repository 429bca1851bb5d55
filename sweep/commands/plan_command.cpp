// `sweep plan`: the plan of a grid, what its results file holds, and the thread layout.
#include <sched.h>

#include <algorithm>
#include <iostream>
#include <set>
#include <string>
#include <thread>

#include "core/errors.h"
#include "results/store/store.h"
#include "sweep/commands/commands.h"
#include "sweep/mpi/layout.h"
#include "sweep/offline/plan.h"
#include "sweep/search/scheduler.h"
#include "worker/worker.h"

namespace sweep {

namespace {

// The cores this process may run on (its CPU affinity mask, as mpirun and Slurm set it).
int cores_of_this_process() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof mask, &mask) != 0) {
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }
  return std::max(1, CPU_COUNT(&mask));
}

// The groups of ranks_per_trial = `per_trial` that `ranks` ranks on one node make (0: how
// many ranks to ask for).
std::string describe_group_plan(int ranks, int per_trial) {
  const std::string head = "groups: ranks_per_trial = " + std::to_string(per_trial) + ": ";
  if (ranks <= 0) {
    return head + "each trial is trained by " + std::to_string(per_trial) +
           " worker ranks together; ask for a multiple of " + std::to_string(per_trial) +
           " workers plus rank 0, e.g. mpirun -np " + std::to_string(per_trial + 1);
  }
  const int workers = std::max(0, ranks - 1), groups = workers / per_trial;
  if (groups == 0) {
    return head + std::to_string(ranks) + " ranks are too few (sweep run refuses them): it needs " +
           std::to_string(per_trial + 1) + " or more";
  }
  return head + std::to_string(ranks) + " ranks make " + std::to_string(groups) + " group(s) of " +
         std::to_string(per_trial) +
         (workers % per_trial > 0
              ? ", " + std::to_string(workers % per_trial) + " worker rank(s) idle"
              : std::string());
}

}  // namespace

int plan_command(const CliCommand& cmd) {
  const Target target = resolve_target(cmd, process_env());
  // With --ranks N, rank 0 coordinates and N - 1 ranks train on this node.
  PlanChecks checks;
  checks.backbones = worker::check_backbone_inputs;
  checks.memory_per_rank = training_memory_per_rank(std::max(1, cmd.ranks - 1));
  Plan plan = make_plan(cmd.grid, cmd.overrides, checks);
  std::vector<std::uint64_t> done;
  if (results::file_exists(target.out)) {
    done = ids_to_skip(results::Store::open_read(target.out).stored_status(), cmd.retry_failed);
  }
  const std::vector<std::size_t> members = shard_members(plan, target.shard);
  std::vector<std::size_t> order = pending_order(plan.trials.ids(), plan.costs, done, &members);
  std::cout << describe_plan(plan, target, order, members.size() - order.size(), cmd.show);
  std::cout << describe_layout(cores_of_this_process(), cmd.ranks, cmd.threads) << "\n";
  const int per_trial = std::stoi(plan.trials.front().get("ranks_per_trial"));
  if (per_trial > 1) std::cout << describe_group_plan(cmd.ranks, per_trial) << "\n";
  return kExitOk;
}

}  // namespace sweep
