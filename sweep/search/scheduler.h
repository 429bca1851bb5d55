// Pure scheduling logic (no MPI): cost estimates and the order trials are handed out in.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "core/trial.h"
#include "worker/raw_images.h"

namespace sweep {

// Estimated relative cost of a trial: epochs x training images x model multiply-adds per
// image x a small-batch overhead factor (1 + 16 / batch_size). Only ratios matter.
double estimate_cost(const TrialSpec& spec, const worker::DataInfo& info);

// Indices of `costs` ordered longest first; equal costs keep their original order.
std::vector<std::size_t> longest_first(const std::vector<double>& costs);

// The ids a resumed sweep skips, from the best stored status of each id: finished trials
// (ok or diverged) always, failed ones unless `retry_failed`.
std::set<std::uint64_t> ids_to_skip(const std::map<std::uint64_t, Status>& stored,
                                    bool retry_failed);

// The trials still to run: those whose id is not in `done` (and, when `members` is given,
// whose index is in it), ordered longest first by `costs` (one per trial).
std::vector<std::size_t> pending_order(const std::vector<TrialSpec>& trials,
                                       const std::vector<double>& costs,
                                       const std::set<std::uint64_t>& done,
                                       const std::vector<std::size_t>* members = nullptr);

}  // namespace sweep
