#include "sweep/search/trial_states.h"

#include <algorithm>
#include <cstdio>

#include "core/state_file.h"

namespace sweep {

std::optional<Job> TrialStates::next() {
  std::optional<Job> job = inner_.next();
  if (job && job->state.empty()) job->state = dir_ + "/" + state_file_name(job->spec.trial_id);
  return job;
}

void TrialStates::finished(const Job& job, const TrialResult& r) {
  inner_.finished(job, r);
  if (!job.state.empty() && !job.keep_state) std::remove(job.state.c_str());
}

std::vector<std::size_t> saved_first(const std::vector<std::size_t>& order,
                                     const std::vector<std::uint64_t>& ids,
                                     const std::set<std::uint64_t>& saved) {
  std::vector<std::size_t> out = order;
  std::stable_partition(out.begin(), out.end(),
                        [&](std::size_t i) { return saved.count(ids.at(i)) > 0; });
  return out;
}

}  // namespace sweep
