// `sweep rank`: the ranked (or grouped) table of one or more results files.
#include <iostream>

#include "core/errors.h"
#include "results/rank.h"
#include "sweep/commands/commands.h"
#include "sweep/commands/stored_trials.h"

namespace sweep {

int rank_command(const CliCommand& cmd) {
  results::RankOptions o;
  o.by = cmd.by;
  o.top = cmd.top;
  o.where = results::parse_where(cmd.where);
  o.group_by = cmd.group_by;
  const std::vector<results::StoredTrial> all = read_all(cmd.files);
  std::cout << (o.group_by.empty() ? results::rank_table(all, o) : results::group_table(all, o));
  return kExitOk;
}

}  // namespace sweep
