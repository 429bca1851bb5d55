// `sweep status`: how much of a grid the results files hold.
#include <iostream>

#include "core/errors.h"
#include "results/store/store.h"
#include "sweep/offline/offline_commands.h"
#include "sweep/offline/plan.h"
#include "sweep/offline/status.h"

namespace sweep {

int status_command(const CliCommand& cmd) {
  Plan plan = make_plan(cmd.grid, cmd.overrides, {DataCheck::kHeaders, 0});
  std::vector<FileTrials> files;
  for (const auto& path : cmd.files) {
    results::Store store = results::Store::open_read(path);
    FileTrials f;
    f.path = path;
    f.shard = store.info().shard;
    for (const auto& [id, status] : store.stored_status()) f.trials.emplace_back(id, status);
    f.states = list_states(state_dir_of(path));
    files.push_back(std::move(f));
  }
  std::cout << format_status(grid_status(plan, files));
  return kExitOk;
}

}  // namespace sweep
