// Pure scheduling logic (no MPI): cost estimates and the order trials are handed out in.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/trial.h"
#include "worker/data/raw_images.h"

namespace sweep {

// Estimated relative cost of a trial: epochs x training images x model multiply-adds per
// image x a small-batch overhead factor (1 + 16 / batch_size). Only ratios matter.
double estimate_cost(const TrialSpec& spec, const worker::DataInfo& info);

// Indices of `costs` ordered longest first; equal costs keep their original order.
std::vector<std::size_t> longest_first(const std::vector<double>& costs);

// The ids a resumed sweep skips, ascending, from the best stored status of each id (ascending
// by id, as Store::stored_status gives them): finished trials (ok or diverged) always, failed
// ones unless `retry_failed`.
std::vector<std::uint64_t> ids_to_skip(const std::vector<std::pair<std::uint64_t, Status>>& stored,
                                       bool retry_failed);

// The trials still to run: those whose id is not in `done` (ascending) and, when `members` is
// given, whose index is in it, ordered longest first by `costs` (one per trial).
std::vector<std::size_t> pending_order(const std::vector<std::uint64_t>& ids,
                                       const std::vector<double>& costs,
                                       const std::vector<std::uint64_t>& done,
                                       const std::vector<std::size_t>* members = nullptr);

}  // namespace sweep
