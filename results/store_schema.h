// Row layouts of the tables of a results file (documented in the README):
//   trials    one row per trial: id, status, every known key, final metrics, where it ran
//   epochs    one row per trial and epoch: training and validation loss/accuracy
//   confusion one row per trial and (true, predicted) cell of its confusion matrix
//   per_class one row per trial and class: precision, recall, F1 and support (from confusion)
//   mistakes  one row per trial and kept wrong prediction: image row, true and predicted class,
//             the prediction's probability
// Detail rows name their trial row by its index (`trial_row`), so that the details of a trial
// run twice (a retry) or of an append cut short by a kill never mix with another row's.
#pragma once

#include "core/trial.h"
#include "results/table.h"

namespace sweep::results {

const RowLayout& trials_layout();
const RowLayout& epochs_layout();
const RowLayout& confusion_layout();
const RowLayout& per_class_layout();
const RowLayout& mistakes_layout();

// Fixed-length sizes of the text columns (longer values are truncated).
constexpr std::size_t kMessageLen = 256;
constexpr std::size_t kPathLen = 256;
constexpr std::size_t kShortLen = 32;
constexpr std::size_t kListLen = 128;  // kFloatList keys: 4 numbers of up to 24 characters
constexpr std::size_t kHostLen = 64;

// Fills the trials-table row `row` (zeroed, of layout `l`) with `spec`'s column keys and `r`.
void fill_trial_row(const RowLayout& l, char* row, const TrialSpec& spec, const TrialResult& r);

}  // namespace sweep::results
