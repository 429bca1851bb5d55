// Reading the trials of several results files as one sweep (rank, export).
#pragma once

#include <string>
#include <vector>

#include "results/store.h"

namespace sweep {

// The trials of every file, read as one sweep. Throws StoreFormatError, StoreError.
std::vector<results::StoredTrial> read_all(const std::vector<std::string>& files);

}  // namespace sweep
