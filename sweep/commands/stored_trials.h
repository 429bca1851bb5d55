// Reading the trials of several results files as one sweep (rank, export).
#pragma once

#include <string>
#include <vector>

#include "results/store/store.h"

namespace sweep {

// The trials of every file, read as one sweep, with `details` (see Store::read_trials).
// Throws StoreFormatError, StoreError.
std::vector<results::StoredTrial> read_all(
    const std::vector<std::string>& files,
    results::Store::Details details = results::Store::Details::kNone);

}  // namespace sweep
