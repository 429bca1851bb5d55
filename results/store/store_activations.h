// The `activations` table of a results file: each trial's dead units per activation layer (key
// `dead_units`), one row each, written with the trial's other detail rows (before its trials
// row) and read back into TrialResult::activations.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <vector>

#include "results/h5/table.h"
#include "results/store/store.h"

namespace sweep::results {

// Appends the rows of `r.activations` (activations_layout) naming trial row `trial_row` to
// `rows`, counting them in `count`.
void add_activation_rows(const TrialResult& r, std::int64_t trial_row, std::vector<char>& rows,
                         std::size_t& count);

// The layer in row `p` of the activations table (activations_layout()).
ActivationLayer activation_layer_of_row(const RowLayout& l, const char* p);

// Reads the activations table of `f` into the trials of `out` (index = trial row) whose rows it
// names, in the order stored. A file without the table gives none. Throws StoreError.
void read_activation_rows(hid_t f, std::vector<StoredTrial>& out);

}  // namespace sweep::results
