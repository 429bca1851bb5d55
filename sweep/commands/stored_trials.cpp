#include "sweep/commands/stored_trials.h"

#include <iterator>

namespace sweep {

std::vector<results::StoredTrial> read_all(const std::vector<std::string>& files,
                                           results::Store::Details details) {
  std::vector<results::StoredTrial> all;
  for (const auto& f : files) {
    auto trials = results::Store::open_read(f).read_trials(details);
    all.insert(all.end(), std::make_move_iterator(trials.begin()),
               std::make_move_iterator(trials.end()));
  }
  return all;
}

}  // namespace sweep
