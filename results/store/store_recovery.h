// Tidying a results file after its writer was killed in the middle of an append.
#pragma once

#include <cstddef>

#include "results/h5/h5.h"

namespace sweep::results {

// Drops what an append that a kill cut short left at the ends of the tables: trial rows never
// written, and detail rows that do not belong to a stored trial row (a detail row belongs to
// row R when it names R and R's trial id). Returns the number of trial rows kept. Throws
// StoreError.
std::size_t drop_unfinished_appends(hid_t f);

}  // namespace sweep::results
