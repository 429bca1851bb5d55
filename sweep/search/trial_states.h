// Every running trial's state file, on rank 0's side: which file each job's trial writes and
// resumes from (STATE_DIR/TRIALID.state, core/state_file.h), and its deletion once the job's
// result is stored. A WorkSource wrapper, stacked on any search's source.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sweep/search/work_source.h"

namespace sweep {

class TrialStates : public WorkSource {
 public:
  // `dir` must exist (and, under MPI, be visible to every worker: a shared file system).
  TrialStates(WorkSource& inner, std::string dir) : inner_(inner), dir_(std::move(dir)) {}
  // The inner job, its `state` set to its trial's file unless the source set one.
  std::optional<Job> next() override;
  bool exhausted() const override { return inner_.exhausted(); }
  // Deletes the job's state unless it keeps it (a lower rung of successive halving): the result
  // is stored, so the state will never be read again.
  void finished(const Job& job, const TrialResult& r) override;
  // The state stays: the trial continues from it on resume.
  void abandoned(const Job& job) override { inner_.abandoned(job); }

 private:
  WorkSource& inner_;
  std::string dir_;
};

// `order` (trial indices) with the trials whose id is in `saved` moved to the front, each
// part in its order: trials saved mid-way are handed out first on resume.
std::vector<std::size_t> saved_first(const std::vector<std::size_t>& order,
                                     const std::vector<std::uint64_t>& ids,
                                     const std::set<std::uint64_t>& saved);

}  // namespace sweep
