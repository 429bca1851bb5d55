// `sweep status`: how much of a grid the given results files hold. Pure logic over the plan
// and the (id, status) pairs read from each file.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/state_file.h"
#include "sweep/offline/plan.h"

namespace sweep {

struct FileTrials {
  std::string path;
  std::string shard;  // the file's `shard` attribute: "I-of-N" or ""
  std::vector<std::pair<std::uint64_t, Status>> trials;  // each id once, with its best status
  std::vector<FoundState> states;  // the states of its trials saved mid-way (FILE.h5.state/)
};

struct FileStatus {
  std::string path, shard;
  std::size_t done = 0;           // ok or diverged, of this grid
  std::size_t failed = 0;         // failed, of this grid
  std::size_t missing = 0;        // trials of its shard (or of the grid) it does not hold
  std::size_t foreign = 0;        // rows whose trial is not in this grid
  std::vector<FoundState> saved;  // states of trials it does not hold yet: resume continues them
};

struct GridStatus {
  std::size_t total = 0, done = 0, failed = 0, missing = 0;  // over all files together
  std::vector<FileStatus> files;
};

// Counts, per file and over all files, the grid's trials that are done (ok or diverged in some
// file), failed (only failed copies) or missing (in no file). A file whose shard is "I-of-N"
// is compared with that shard of the grid (split as `run --shard I/N` splits it). With search
// = tpe, whose trials are chosen as results come in, every trial in the files counts as the
// sweep's, out of `samples` (none is foreign).
GridStatus grid_status(const Plan& plan, const std::vector<FileTrials>& files);

// The status as a table and a summary line, then per file the trials saved mid-way ("3 trials
// saved mid-way: resume continues them", each with its epoch) and the states that cannot be used.
std::string format_status(const GridStatus& s);

}  // namespace sweep
