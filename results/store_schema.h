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

#include <vector>

#include "core/keys.h"
#include "core/trial.h"
#include "results/store.h"
#include "results/table.h"
#include "results/text_table.h"

namespace sweep::results {

// The trials table as this version writes it (format version 2: text columns are numbers into
// the texts table, results/text_table.h), and as format version 1 wrote it (text columns as
// fixed-length strings: kept for appending to files of that version).
const RowLayout& trials_layout();
const RowLayout& legacy_trials_layout();
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
  // lacks reads as zero or empty. `has_metrics_v2`: the file has the auc and qwk columns
  // (files of earlier versions lack them: NaN, not 0).
  TrialRowReader(const RowLayout& layout, bool has_metrics_v2);
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
  const RowLayout* layout_;
  bool has_metrics_v2_;
  int trial_id_ = -1;
  std::vector<int> key_cols_;
  int status_ = -1;
  int message_ = -1;
  int val_loss_ = -1;
  int val_acc_ = -1;
  int test_loss_ = -1;
  int test_acc_ = -1;
  int macro_f1_ = -1;
  int auc_ = -1;
  int qwk_ = -1;
  int best_epoch_ = -1;
  int checkpoint_ = -1;
  int num_classes_ = -1;
  int eval_split_ = -1;
  int epochs_run_ = -1;
  int rung_ = -1;
  int wall_seconds_ = -1;
  int train_samples_per_s_ = -1;
  int sync_seconds_ = -1;
  int rank_ = -1;
  int threads_ = -1;
  int host_ = -1;
  int device_ = -1, memory_format_ = -1;
  int started_unix_ = -1;
  int finished_unix_ = -1;
};

}  // namespace sweep::results
