// Row layouts of the tables of a results file (documented in docs/results-file.md):
//   trials    one row per trial: id, status, every known key, final metrics, where it ran
//   epochs    one row per trial and epoch: training and validation loss/accuracy
//   confusion one row per trial and (true, predicted) cell of its confusion matrix
//   per_class one row per trial and class: precision, recall, F1 and support (from confusion)
//   mistakes  one row per trial and kept wrong prediction: image row, true and predicted class,
//             the prediction's probability
//   robustness one row per trial, perturbation and level (key `robustness`): accuracy and
//             macro F1 of the final model on the perturbed images of its evaluation split
//   activations one row per trial and activation layer (key `dead_units`): its units and the
//             fraction that never exceeded 0 on the evaluation split
//   calibration one row per trial and confidence bin holding rows: a reliability diagram
// Detail rows name their trial row by its index (`trial_row`), so that the details of a trial
// run twice (a retry) or of an append cut short by a kill never mix with another row's.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "core/keys.h"
#include "core/result_columns.h"
#include "core/trial.h"
#include "results/h5/table.h"
#include "results/store/store.h"
#include "results/store/texts.h"

namespace sweep::results {

// The trials table as this version writes it (format version 2: text columns are numbers into
// the texts table, results/store/texts.h), and as format version 1 wrote it (text columns as
// fixed-length strings: kept for appending to files of that version).
const RowLayout& trials_layout();
const RowLayout& legacy_trials_layout();
const RowLayout& epochs_layout();
const RowLayout& confusion_layout();
const RowLayout& per_class_layout();
const RowLayout& mistakes_layout();
const RowLayout& robustness_layout();
const RowLayout& activations_layout();
const RowLayout& calibration_layout();

// Fixed-length sizes of the text columns (longer values are truncated).
constexpr std::size_t kPathLen = 256;
constexpr std::size_t kShortLen = 32;
constexpr std::size_t kListLen = 128;  // kFloatList keys: 4 numbers of up to 24 characters

// The width of a choice key's column: its longest choice or alias (either side of
// "alias=canonical"), rounded up to 8 bytes, so that every value it can hold fits (files of
// earlier versions used 32 bytes; they read the same).
std::size_t choice_width(const KeySpec& k);

// Fills the trials-table row `row` (zeroed, of layout `l`) with `spec`'s column keys and `r`;
// the texts of kText columns are numbered by `texts`. Throws std::logic_error when `l` has
// kText columns and `texts` is null.
void fill_trial_row(const RowLayout& l, char* row, const TrialSpec& spec, const TrialResult& r,
                    TextInterner* texts);

// Reads rows of the trials table (trials_layout()) back into StoredTrials, with the column
// indices looked up once rather than per row.
class TrialRowReader {
 public:
  // Reads rows of `layout` (a file's own, see native_layout, or one that reads are converted
  // to, with the file's texts bound; it must outlive the reader), by column name: a column it
  // lacks reads as zero or empty. `file_has(name)`: the file has that column of the trials
  // table; a metric column (core/result_columns.h) it lacks reads as NaN, not 0 (auc and qwk
  // in files of earlier versions).
  TrialRowReader(const RowLayout& layout, const std::function<bool(const std::string&)>& file_has);
  // Fills `t` (params: every known key, in order) from `row`. Returns false for a row that an
  // append cut short by a kill left unwritten (no status).
  bool read(const char* row, StoredTrial& t) const;
  // As read, the result only (no params): cheaper, for scans of many rows. Without `texts`,
  // of the text fields only status and eval_split are read (message, checkpoint, host, device
  // and memory_format are left as they were).
  bool read_result(const char* row, TrialResult& r, bool texts = true) const;
  // The stored text of known_keys()[k] in `row` ("" when the file has no such column).
  std::string param(const char* row, std::size_t k) const;
  // The row layout's column of known_keys()[k], or -1.
  int key_column(std::size_t k) const { return key_cols_[k]; }
  const RowLayout& layout() const { return *layout_; }

 private:
  static constexpr int kAbsentMetric = -2;  // a metric column the file lacks: NaN

  const RowLayout* layout_;
  int trial_id_ = -1, status_ = -1;
  std::vector<int> key_cols_;
  std::array<int, kResultColumnCount> result_cols_{};  // per kResultColumns, or -1 / -2
};

}  // namespace sweep::results
