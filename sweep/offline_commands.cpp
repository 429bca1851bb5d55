// Commands that need no MPI: plan and rank.
#include <iostream>

#include "results/rank.h"
#include "results/store.h"
#include "sweep/commands.h"
#include "sweep/errors.h"
#include "sweep/plan.h"
#include "sweep/scheduler.h"

namespace sweep {

int plan_command(const CliCommand& cmd) {
  Plan plan = make_plan(cmd.grid, cmd.overrides);
  std::set<std::uint64_t> done;
  if (results::file_exists(cmd.out)) done = results::Store::open_read(cmd.out).stored_ids();
  std::vector<std::size_t> order = pending_order(plan.trials, plan.costs, done);
  std::cout << describe_plan(plan, order, plan.trials.size() - order.size(), cmd.show);
  if (!done.empty())
    std::cout << "results file: " << cmd.out << " (" << done.size() << " trials stored)\n";
  return kExitOk;
}

int rank_command(const CliCommand& cmd) {
  std::vector<results::StoredTrial> all;
  for (const auto& f : cmd.files) {
    auto trials = results::Store::open_read(f).read_trials();
    all.insert(all.end(), std::make_move_iterator(trials.begin()),
               std::make_move_iterator(trials.end()));
  }
  results::RankOptions o;
  o.by = cmd.by;
  o.top = cmd.top;
  std::cout << results::rank_table(all, o);
  return kExitOk;
}

}  // namespace sweep
