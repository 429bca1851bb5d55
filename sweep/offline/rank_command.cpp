// `sweep rank`: the ranked (or grouped) table of one or more results files.
#include <iostream>

#include "core/errors.h"
#include "results/analysis/rank.h"
#include "sweep/offline/offline_commands.h"

namespace sweep {

int rank_command(const CliCommand& cmd) {
  results::RankOptions o;
  o.by = cmd.by;
  o.top = cmd.top;
  o.where = results::parse_where(cmd.where);
  o.group_by = cmd.group_by;
  // Read block by block: a file of a million trials is ranked without holding its rows.
  std::cout << (o.group_by.empty() ? results::rank_files(cmd.files, o)
                                   : results::group_files(cmd.files, o));
  return kExitOk;
}

}  // namespace sweep
